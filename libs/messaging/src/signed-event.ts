import { CloudEvent, Kafka } from 'cloudevents';
import { stableJson } from '@guangfo/kernel';

/**
 * A signed cross-city event in CloudEvents 1.0 structured form (as kept in the outbox).
 * Extensions: tocity (absent = broadcast), correlationid, causationid, traceparent, and the sender
 * city's SM2 signature with its key id `sigkeyid`: either `sig` (over this event alone) or `sigbatch`
 * (the event's place in a batch whose hash-tree root the relay signed once; see `batch-signature.ts`).
 * Both sign the same bytes: canonical JSON of every attribute but `sig` and `sigbatch`.
 */
export interface SignedEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  tocity?: string;
  correlationid?: string;
  causationid?: string;
  traceparent?: string;
  sigkeyid: string;
  /** SM2 signature over this event (DER, base64). */
  sig?: string;
  /** This event's inclusion in a signed batch (base64url; see `batch-signature.ts`). */
  sigbatch?: string;
  data: T;
}

export type UnsignedEvent<T = unknown> = Omit<SignedEvent<T>, 'sig' | 'sigbatch'>;

/** The bytes a city signs: canonical JSON (sorted keys) of every attribute except `sig` and `sigbatch`. */
export const signingInput = (event: UnsignedEvent | SignedEvent): string => {
  const { sig: _sig, sigbatch: _batch, ...rest } = event as SignedEvent;
  return stableJson(rest);
};

export const eventSource = (cityCode: string, domain: string): string => `/guangfo/${cityCode}/${domain}`;
const SOURCE_PATTERN = /^\/guangfo\/(\d{6})\/([a-z][a-z-]*)$/;
export const sourceCity = (source: string): string | undefined => SOURCE_PATTERN.exec(source)?.[1];

/** Bytes as a transport carries them: a Buffer (Kafka: exactly what arrived), or text (UTF-8; the embedded transport). */
export type WireBytes = Buffer | string;
/** A header's value: null when the record says so; a header repeated in one Kafka record is an array, in order. */
export type WireHeaderValue = WireBytes | null | readonly (WireBytes | null)[];

/**
 * A message exactly as it arrived, whatever it holds: the key and the value may be null, header
 * values are bytes. Kafka hands these (`transportMessageOf`); the receiver and the dead-letter store
 * take them as they are, so a dead letter keeps, and a replay sees, the very bytes that arrived.
 */
export interface WireMessage {
  key: WireBytes | null;
  headers: Readonly<Record<string, WireHeaderValue | undefined>>;
  value: WireBytes | null;
}

/** A message as carried by either transport, as text: the CloudEvents Kafka binary binding (what nodes send; a `WireMessage`). */
export interface TransportMessage extends WireMessage {
  key: string;
  headers: Record<string, string>;
  value: string;
}

/** Text of wire bytes (UTF-8; invalid sequences become U+FFFD); undefined for null. */
export const wireText = (v: WireBytes | null | undefined): string | undefined =>
  v === null || v === undefined ? undefined : Buffer.isBuffer(v) ? v.toString('utf8') : v;

/** A header's text: its only value (undefined when absent or null). Throws when the header is repeated. */
export const wireHeader = (m: WireMessage, name: string): string | undefined => {
  const v = m.headers[name];
  if (Array.isArray(v)) {
    if (v.length > 1) throw new Error(`header ${name} is repeated`);
    return wireText(v[0] as WireBytes | null | undefined);
  }
  return wireText(v as WireBytes | null | undefined);
};

/** Every header as text, each as its only value (or the first, when `lenient`; repeated ones throw otherwise). */
export const wireHeadersText = (m: WireMessage, lenient = false): Record<string, string> => {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(m.headers)) {
    const first = Array.isArray(v) ? (v[0] as WireBytes | null | undefined) : (v as WireBytes | null | undefined);
    const t = lenient ? wireText(first) : wireHeader(m, k);
    if (t !== undefined) out.push([k, t]);
  }
  return Object.fromEntries(out);
};

/**
 * The CloudEvents Kafka binary binding maps `datacontenttype` to the `content-type` header only;
 * `ce_datacontenttype` (which the cloudevents library adds as well) is not sent.
 */
export const toTransportMessage = (event: SignedEvent): TransportMessage => {
  const ce = new CloudEvent({ ...event, partitionkey: event.subject } as never);
  const m = Kafka.binary(ce);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers))
    if (v !== undefined && k !== 'ce_partitionkey' && k !== 'ce_datacontenttype') headers[k] = String(v);
  return { key: event.subject, headers, value: JSON.stringify(event.data) };
};

const STRING_ATTRS = [
  'id',
  'source',
  'type',
  'subject',
  'time',
  'tocity',
  'correlationid',
  'causationid',
  'traceparent',
  'sigkeyid',
  'sig',
  'sigbatch',
] as const;

/** Parses a message back into a structured event. Throws with a reason when it is not one (a repeated header included). */
export const fromTransportMessage = (msg: WireMessage): SignedEvent => {
  const headers = wireHeadersText(msg);
  const value = wireText(msg.value) ?? '';
  const key = wireText(msg.key) ?? '';
  const ce = Kafka.toEvent({ headers, body: value, key, value } as never) as CloudEvent<unknown>;
  ce.validate();
  const out: Record<string, unknown> = { specversion: '1.0', datacontenttype: 'application/json' };
  for (const a of STRING_ATTRS) {
    const v = (ce as unknown as Record<string, unknown>)[a];
    if (v !== undefined) out[a] = String(v);
  }
  if (ce.datacontenttype !== 'application/json')
    throw new Error(`datacontenttype must be application/json, got ${String(ce.datacontenttype)}`);
  out.data = typeof ce.data === 'string' ? JSON.parse(ce.data) : ce.data;
  return out as unknown as SignedEvent;
};
