import type { CityRegistry } from '@guangfo/platform';
import type { TransportMessage } from '../signed-event.js';
import { toTransportMessage } from '../signed-event.js';
import type { CityTransport, InboundHandler, PublishedHandler, PublishRequest, PublishResult } from './city-transport.js';

/**
 * The in-process exchange of the embedded default: city nodes in one process register their
 * inbound handler here. There is no broker: the sender's durable outbox is the log. A
 * delivery counts only once the receiving node has committed it (or dead-lettered it); a node
 * that is down simply keeps the sender's rows pending until it is back.
 */
export class EmbeddedExchange {
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

export class EmbeddedTransport implements CityTransport {
  readonly kind = 'embedded' as const;
  private handler?: InboundHandler;

  constructor(
    private readonly cityCode: string,
    private readonly registry: CityRegistry,
    private readonly exchange: EmbeddedExchange = processExchange,
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

  /** One delivery pass over the batch, in order; a subject stops at its first undelivered event. */
  async publishBatch(requests: readonly PublishRequest[], onPublished: PublishedHandler): Promise<void> {
    const stopped = new Set<string>();
    for (const [i, request] of requests.entries()) {
      const subject = request.event.subject;
      const result: PublishResult = stopped.has(subject)
        ? { deliveredTo: [...request.deliveredTo], complete: false, held: true, error: 'held behind an earlier event of its subject' }
        : await this.publish(request);
      if (!result.complete) stopped.add(subject);
      await onPublished(i, result);
    }
  }

  async start(handler: InboundHandler): Promise<void> {
    this.handler = handler;
    this.exchange.attach(this.cityCode, handler);
  }

  async stop(): Promise<void> {
    if (this.handler) this.exchange.detach(this.cityCode, this.handler);
    this.handler = undefined;
  }

  isReady(): boolean {
    return this.handler !== undefined;
  }
}
