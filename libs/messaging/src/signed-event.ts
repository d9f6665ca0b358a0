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

/** A message as carried by either transport: the CloudEvents Kafka binary binding. */
export interface TransportMessage {
  key: string;
  headers: Record<string, string>;
  value: string;
}

export const toTransportMessage = (event: SignedEvent): TransportMessage => {
  const ce = new CloudEvent({ ...event, partitionkey: event.subject } as never);
  const m = Kafka.binary(ce);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers)) if (v !== undefined && k !== 'ce_partitionkey') headers[k] = String(v);
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

/** Parses a transport message back into a structured event. Throws with a reason when it is not one. */
export const fromTransportMessage = (msg: TransportMessage): SignedEvent => {
  const ce = Kafka.toEvent({ headers: msg.headers, body: msg.value, key: msg.key, value: msg.value } as never) as CloudEvent<unknown>;
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
