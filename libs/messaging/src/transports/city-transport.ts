import type { SignedEvent, WireMessage } from '../signed-event.js';

export interface PublishRequest {
  event: SignedEvent;
  /** Cities that already have this broadcast (embedded transport delivers per city). */
  deliveredTo: readonly string[];
}

export interface PublishResult {
  /** Cities known to have the event now (for broadcasts on the embedded transport). */
  deliveredTo: string[];
  /** True when nothing is left to deliver: the outbox row is sent. */
  complete: boolean;
  error?: string;
  /** Not attempted: an earlier event of the same subject in the batch was not delivered. */
  held?: boolean;
}

/** Called once per request of a batch as soon as its outcome is known: in request order within each subject (subjects may interleave). */
export type PublishedHandler = (index: number, result: PublishResult) => Promise<void>;

/** What a transport hands to the node for each received message, as it arrived; resolves when the effects are durable. */
export type InboundHandler = (message: WireMessage, meta: { topic: string }) => Promise<InboundOutcome>;

/** Several messages of one ordered stream at once (the receiver applies them together where it can); one outcome per message, in order. */
export type InboundBatchHandler = (messages: readonly WireMessage[], meta: { topic: string }) => Promise<InboundOutcome[]>;

export type InboundOutcome =
  | { status: 'applied' | 'duplicate' | 'ignored' }
  /** `stored: false`: the dead-letter store failed; the transport's dead-letter topic (Kafka) is then the only copy. */
  | { status: 'dead-lettered'; reasonCode: string; reason: string; stored?: boolean };

/** A way to move signed events between city nodes, with the same guarantees on every transport. */
export interface CityTransport {
  readonly kind: 'kafka' | 'embedded';
  publish(request: PublishRequest): Promise<PublishResult>;
  /**
   * Publishes a batch in outbox order (one producer call where the transport has one) and reports
   * each request's outcome through `onPublished`. Order per subject holds on the wire: once a
   * request fails, the later requests of its subject in the batch are not sent (reported
   * incomplete, `held: true`).
   */
  publishBatch(requests: readonly PublishRequest[], onPublished: PublishedHandler): Promise<void>;
  /**
   * Starts consuming; every message goes through `handler` (the node's EventReceiver), or through `batchHandler` with the
   * messages after it of the same ordered stream where the transport receives them in batches (Kafka).
   */
  start(handler: InboundHandler, batchHandler?: InboundBatchHandler): Promise<void>;
  stop(): Promise<void>;
  /** Whether the outbox relay may hand it events now (started; on Kafka, the producer connected). */
  isReady(): boolean;
  /**
   * Asks the transport whether it can really deliver now (readiness): undefined when it can, else
   * why not. Cheap to call often (results may be cached for a second); never throws.
   */
  probe(): Promise<string | undefined>;
}

export const CITY_TRANSPORT = Symbol('CITY_TRANSPORT');
