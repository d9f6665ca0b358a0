import { platformError, type CityRegistry } from '@guangfo/platform';
import type { TransportMessage } from '../signed-event.js';
import { toTransportMessage } from '../signed-event.js';
import type { CityTransport, InboundHandler, InboundOutcome, PublishedHandler, PublishRequest, PublishResult } from './city-transport.js';

/**
 * How an embedded transport reaches the other cities' nodes. There is no broker: the sender's
 * durable outbox is the log, and `deliver` resolves `true` only once the receiving node has
 * committed the message (or dead-lettered it); `false` when that node is not running (nothing
 * was delivered). It throws for any other failure. Either way an undelivered row stays pending
 * and the outbox relay retries it with backoff.
 */
export interface EmbeddedLink {
  /** Registers this node's inbound handler (in-process links call it directly; others ignore it). */
  attach(cityCode: string, handler: InboundHandler): void;
  detach(cityCode: string, handler: InboundHandler): void;
  deliver(cityCode: string, message: TransportMessage): Promise<boolean>;
  /** Gives up the deliveries in flight (each a failed attempt, retried later): the node is stopping. */
  close?(): void;
}

/**
 * The in-process link: city nodes in one process register their inbound handler here (the
 * in-process sandbox of the tests). `deliver` calls the receiving node's handler.
 */
export class EmbeddedExchange implements EmbeddedLink {
  private readonly nodes = new Map<string, InboundHandler>();

  attach(cityCode: string, handler: InboundHandler): void {
    this.nodes.set(cityCode, handler);
  }

  detach(cityCode: string, handler: InboundHandler): void {
    if (this.nodes.get(cityCode) === handler) this.nodes.delete(cityCode);
  }

  async deliver(cityCode: string, message: TransportMessage): Promise<boolean> {
    const handler = this.nodes.get(cityCode);
    if (!handler) return false;
    await handler(message, { topic: `embedded:${cityCode}` });
    return true;
  }
}

/** The exchange shared by every node of this process. */
export const processExchange = new EmbeddedExchange();

/**
 * The embedded transport: delivers each event to every addressed city through an
 * {@link EmbeddedLink} (in-process, or signed HTTP between node processes: `HttpExchange`), and
 * hands what arrives (`receive`, or the in-process link's call) to the node's EventReceiver.
 */
/** How many subjects (aggregates) a delivery pass sends at once; each subject's events go one after another, in order. */
const DELIVERY_LANES = 8;

export class EmbeddedTransport implements CityTransport {
  readonly kind = 'embedded' as const;
  private handler?: InboundHandler;

  constructor(
    private readonly cityCode: string,
    private readonly registry: CityRegistry,
    private readonly exchange: EmbeddedLink = processExchange,
  ) {}

  async publish({ event, deliveredTo }: PublishRequest): Promise<PublishResult> {
    const targets = event.tocity ? [event.tocity] : this.registry.peersOf(this.cityCode).map((c) => c.code);
    const done = new Set(deliveredTo);
    const message = toTransportMessage(event);
    const errors: string[] = [];
    for (const city of targets) {
      if (done.has(city)) continue;
      try {
        if (await this.exchange.deliver(city, message)) done.add(city);
        else errors.push(`${city}: node not running`);
      } catch (err) {
        errors.push(`${city}: ${(err as Error).message}`);
      }
    }
    const complete = targets.every((c) => done.has(c));
    return { deliveredTo: [...done], complete, ...(complete ? {} : { error: errors.join('; ') }) };
  }

  /** One delivery pass over the batch: each subject in order, several subjects at once; a subject stops at its first undelivered event. */
  async publishBatch(requests: readonly PublishRequest[], onPublished: PublishedHandler): Promise<void> {
    // Subjects are independent: up to DELIVERY_LANES of them are delivered at once, each in order.
    const lanes: number[][] = [];
    const laneOf = new Map<string, number>();
    for (const [i, request] of requests.entries()) {
      const subject = request.event.subject;
      let lane = laneOf.get(subject);
      if (lane === undefined) laneOf.set(subject, (lane = laneOf.size % DELIVERY_LANES));
      (lanes[lane] ??= []).push(i);
    }
    const stopped = new Set<string>();
    await Promise.all(
      lanes.map(async (indexes) => {
        for (const i of indexes) {
          const request = requests[i]!;
          const subject = request.event.subject;
          const result: PublishResult = stopped.has(subject)
            ? { deliveredTo: [...request.deliveredTo], complete: false, held: true, error: 'held behind an earlier event of its subject' }
            : await this.publish(request);
          if (!result.complete) stopped.add(subject);
          await onPublished(i, result);
        }
      }),
    );
  }

  /**
   * A message a peer node delivered over its link (the signed delivery endpoint): resolves with
   * the receiver's outcome once it is committed or dead-lettered. 503 SERVICE_UNAVAILABLE while
   * this node is not consuming (starting or stopping): the sender keeps the row and retries.
   */
  async receive(message: TransportMessage): Promise<InboundOutcome> {
    const handler = this.handler;
    if (!handler)
      throw platformError('SERVICE_UNAVAILABLE', { detail: `node ${this.cityCode} is not consuming events yet (starting or stopping)` });
    return handler(message, { topic: `embedded:${this.cityCode}` });
  }

  /**
   * There is no dead-letter topic here: a message whose dead letter could not be stored is refused
   * (thrown), so the sender keeps it in its outbox and retries it, rather than it being lost.
   */
  async start(handler: InboundHandler): Promise<void> {
    const guarded: InboundHandler = async (message, meta) => {
      const outcome = await handler(message, meta);
      if (outcome.status === 'dead-lettered' && outcome.stored === false)
        throw new Error(`dead letter not stored (${outcome.reasonCode}): the sender will retry`);
      return outcome;
    };
    this.handler = guarded;
    this.exchange.attach(this.cityCode, guarded);
  }

  /** Stops consuming (peers' deliveries get 503 and are retried) and gives up the deliveries in flight. Idempotent. */
  async stop(): Promise<void> {
    if (this.handler) this.exchange.detach(this.cityCode, this.handler);
    this.handler = undefined;
    this.exchange.close?.();
  }

  isReady(): boolean {
    return this.handler !== undefined;
  }

  async probe(): Promise<string | undefined> {
    return this.isReady() ? undefined : 'not consuming (starting or stopping)';
  }
}
