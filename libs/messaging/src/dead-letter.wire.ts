import type { WireBytes, WireHeaderValue, WireMessage } from './signed-event.js';

/** A message as the dead-letter store keeps it: three `bytea` columns (`raw_key`, `raw_value`, `raw_headers`). */
export interface StoredWire {
  rawKey: Buffer | null;
  rawValue: Buffer | null;
  /** UTF-8 JSON `[[name, base64 value | null], …]`, one pair per header value in order (a repeated header gives several pairs). */
  rawHeaders: Buffer;
}

const bytes = (v: WireBytes | null | undefined): Buffer | null =>
  v === null || v === undefined ? null : Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8');

/**
 * The exact bytes of a message for the dead-letter store. Kafka messages are bytes already; text
 * (the embedded transport) is stored as its UTF-8 bytes. JSON escapes any header name, so nothing
 * that arrived is refused by PostgreSQL (a NUL byte included).
 */
export const storeWire = (m: WireMessage): StoredWire => {
  const pairs: [string, string | null][] = [];
  for (const [name, v] of Object.entries(m.headers)) {
    if (v === undefined) continue;
    const values: readonly (WireBytes | null)[] = Array.isArray(v) ? (v as readonly (WireBytes | null)[]) : [v as WireBytes | null];
    for (const one of values) pairs.push([name, bytes(one)?.toString('base64') ?? null]);
  }
  return { rawKey: bytes(m.key), rawValue: bytes(m.value), rawHeaders: Buffer.from(JSON.stringify(pairs), 'utf8') };
};

/** The message a dead letter kept, as it arrived: Buffers, a null key or value as null, a repeated header as an array. */
export const loadWire = (s: StoredWire): WireMessage => {
  // A Map, then own properties: a header may be called `__proto__`.
  const headers = new Map<string, (Buffer | null)[]>();
  for (const [name, b64] of JSON.parse(s.rawHeaders.toString('utf8')) as [string, string | null][]) {
    headers.set(name, [...(headers.get(name) ?? []), b64 === null ? null : Buffer.from(b64, 'base64')]);
  }
  const entries = [...headers].map(([name, values]): [string, WireHeaderValue] => [name, values.length === 1 ? values[0]! : values]);
  return { key: s.rawKey, headers: Object.fromEntries(entries), value: s.rawValue };
};
