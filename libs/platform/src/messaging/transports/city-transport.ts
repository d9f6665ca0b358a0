import type { SignedEvent, TransportMessage } from '../signed-event.js';

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
}

/** What a transport hands to the node for each received message; resolves when the effects are durable. */
export type InboundHandler = (message: TransportMessage, meta: { topic: string }) => Promise<InboundOutcome>;

export type InboundOutcome =
  | { status: 'applied' | 'duplicate' | 'ignored' }
  | { status: 'dead-lettered'; reasonCode: string; reason: string };

/** A way to move signed events between city nodes, with the same guarantees on every transport. */
export interface CityTransport {
  readonly kind: 'kafka' | 'embedded';
  publish(request: PublishRequest): Promise<PublishResult>;
  /** Starts consuming; every message goes through `handler` (the node's EventReceiver). */
  start(handler: InboundHandler): Promise<void>;
  stop(): Promise<void>;
  isReady(): boolean;
}

export const CITY_TRANSPORT = Symbol('CITY_TRANSPORT');
