import type { IncomingMessage } from 'node:http';
import { type OutboundPolicy, outboundRequest } from '@guangfo/platform';
import type { TransportMessage } from '../signed-event.js';
import type { InboundOutcome } from './city-transport.js';
import type { BatchOutcome, EmbeddedLink } from './embedded.transport.js';

/** Where a city node running the embedded transport in its own process takes deliveries from its peers (one message). */
export const EMBEDDED_DELIVERY_PATH = '/api/v1/interchange/events';
/** … and batch deliveries (`{ messages: [...] }`, answered `{ outcomes: [...] }`), what the transport sends. */
export const EMBEDDED_BATCH_DELIVERY_PATH = '/api/v1/interchange/events/batch';

const OUTCOMES = new Set<InboundOutcome['status']>(['applied', 'duplicate', 'ignored', 'dead-lettered']);
const BATCH_OUTCOMES = new Set<string>([...OUTCOMES, 'rejected', 'held']);

/** The answer's outcomes when it is one per message sent, each well formed; else undefined. */
const batchOutcomes = (answer: Record<string, unknown>, count: number): BatchOutcome[] | undefined => {
  const outcomes = answer.outcomes;
  if (!Array.isArray(outcomes) || outcomes.length !== count) return undefined;
  const ok = outcomes.every(
    (o: unknown) =>
      typeof o === 'object' &&
      o !== null &&
      BATCH_OUTCOMES.has((o as { status?: string }).status ?? '') &&
      ((o as { status: string }).status !== 'rejected' || typeof (o as { code?: unknown }).code === 'string'),
  );
  return ok
    ? outcomes.map((o: BatchOutcome) =>
        o.status === 'rejected' ? { status: 'rejected', code: o.code, detail: typeof o.detail === 'string' ? o.detail : '' } : o,
      )
    : undefined;
};

export interface HttpExchangeOptions {
  /** This node's city (the signer of each request). */
  cityCode: string;
  /** The base URL of a peer city's node (`http://127.0.0.1:3001`), or undefined when none is known. */
  peerBaseUrl: (city: string) => string | undefined;
  /**
   * The node-to-node request signature headers for a request to `toCity` (the composition passes the
   * interchange signer of `@guangfo/federation` with the node's SM2 key; this library does not know it).
   */
  sign: (request: { method: 'POST'; path: string; toCity: string }) => Record<string, string>;
  /** The node's outbound policy (the sandbox allows loopback, nothing else private). */
  policy: OutboundPolicy;
  /** Connect + the receiver's commit; the receiver answers only once it has committed. Default 30 s. */
  timeoutMs?: number;
}

/** The body of an answer, capped: the outcome or a problem document. */
const readBody = async (res: IncomingMessage, limit = 65_536): Promise<string> => {
  let text = '';
  for await (const chunk of res as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > limit) break;
  }
  return text;
};

const parse = (text: string): Record<string, unknown> => {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/**
 * The embedded transport between city nodes in separate processes (the sandbox of `npm start`):
 * `deliver` POSTs the transport message to the peer's {@link EMBEDDED_DELIVERY_PATH}, signed
 * node-to-node like the file claim check, and the peer answers 200 with its `InboundOutcome`
 * only after its receiver committed the message or dead-lettered it — so a delivery counts only
 * then, as in-process. A peer that is not listening (connection refused) is "not running"; any
 * other failure (timeout, reset, a non-200 answer) throws. The event inside is SM2-signed by its
 * city and verified by the receiver as on any transport: the request signature authenticates the
 * hop (which city delivers), not the event.
 */
export class HttpExchange implements EmbeddedLink {
  /** Aborts the deliveries in flight when the node stops (a peer that accepts but never answers must not hold the shutdown). */
  private inFlight = new AbortController();

  constructor(private readonly o: HttpExchangeOptions) {}

  close(): void {
    this.inFlight.abort(new Error('the node is stopping'));
    this.inFlight = new AbortController();
  }

  attach(): void {
    // Deliveries to this node arrive over HTTP (the delivery endpoint hands them to the transport).
  }

  detach(): void {
    // Nothing attached.
  }

  async deliver(city: string, message: TransportMessage): Promise<boolean> {
    const answered = await this.post(city, EMBEDDED_DELIVERY_PATH, message);
    if (!answered) return false;
    const { status, answer } = answered;
    if (status === 200 && OUTCOMES.has(answer.status as InboundOutcome['status'])) return true;
    throw this.failure(city, status, answer);
  }

  /** One signed request (one nonce, one signature) for the whole batch; the answer's outcomes, one per message, in order. */
  async deliverBatch(city: string, messages: readonly TransportMessage[]): Promise<BatchOutcome[] | false> {
    const answered = await this.post(city, EMBEDDED_BATCH_DELIVERY_PATH, { messages });
    if (!answered) return false;
    const { status, answer } = answered;
    const outcomes = status === 200 ? batchOutcomes(answer, messages.length) : undefined;
    if (outcomes) return outcomes;
    throw this.failure(city, status, answer);
  }

  private failure(city: string, status: number, answer: Record<string, unknown>): Error {
    const code = typeof answer.code === 'string' ? answer.code : '';
    const detail = typeof answer.detail === 'string' ? answer.detail : '';
    return new Error(`${city} answered ${status} ${code} ${detail}`.trim());
  }

  /** POSTs `payload`, signed for `city`; undefined when the peer does not listen (connection refused). */
  private async post(
    city: string,
    path: string,
    payload: unknown,
  ): Promise<{ status: number; answer: Record<string, unknown> } | undefined> {
    const base = this.o.peerBaseUrl(city);
    if (!base) throw new Error(`no base URL for city ${city}`);
    const body = JSON.stringify(payload);
    const headers = { 'content-type': 'application/json', ...this.o.sign({ method: 'POST', path, toCity: city }) };
    let res: IncomingMessage;
    try {
      res = await outboundRequest(`${base}${path}`, {
        method: 'POST',
        headers,
        body,
        timeoutMs: this.o.timeoutMs ?? 30_000,
        policy: this.o.policy,
        signal: this.inFlight.signal,
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'ECONNREFUSED') return undefined;
      throw err;
    }
    // A batch answer holds one outcome per message (a dead letter's reason each): room for the largest batch.
    return { status: res.statusCode ?? 0, answer: parse(await readBody(res, 4 * 1024 * 1024)) };
  }
}
