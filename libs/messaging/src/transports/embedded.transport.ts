import { Logger } from '@nestjs/common';
import { platformError, type CityRegistry } from '@guangfo/platform';
import type { TransportMessage } from '../signed-event.js';
import { toTransportMessage } from '../signed-event.js';
import type {
  CityTransport,
  InboundBatchHandler,
  InboundHandler,
  InboundOutcome,
  PublishedHandler,
  PublishRequest,
  PublishResult,
} from './city-transport.js';

/** The most messages one batch delivery carries; a receiving node refuses more (413 PAYLOAD_TOO_LARGE). */
export const EMBEDDED_BATCH_MAX_EVENTS = 64;
/** The sender keeps a batch delivery's messages under this many bytes of JSON (the node's body limit is 1 MiB); a single larger message goes alone. */
export const EMBEDDED_BATCH_MAX_BYTES = 512 * 1024;

/**
 * What a receiving node did with one message of a batch delivery. Delivered (it counts): the
 * receiver's {@link InboundOutcome} — committed (`applied`, `duplicate`, `ignored`) or
 * `dead-lettered`. Not delivered (the sender keeps it and retries): `rejected` — the message was
 * not taken (`code`: VALIDATION_FAILED, FORBIDDEN_CITY, or SERVICE_UNAVAILABLE when the receiver
 * could not commit it nor its dead letter) — and `held`: not attempted, because an earlier message
 * of its subject in the same delivery was not delivered (per-subject order).
 */
export type BatchOutcome = InboundOutcome | { status: 'rejected'; code: string; detail: string } | { status: 'held' };

/** A message refused before it reaches the receiver (by the delivery endpoint's checks). */
export interface BatchRefusal {
  code: string;
  detail: string;
}

const logger = new Logger('EmbeddedTransport');

const DELIVERED = new Set<string>(['applied', 'duplicate', 'ignored', 'dead-lettered']);
/** Whether the outcome counts as delivered (committed or dead-lettered). */
export const isDelivered = (outcome: BatchOutcome): outcome is InboundOutcome => DELIVERED.has(outcome.status);

/**
 * The receiving side of a batch delivery, whatever the link: the messages go through `handler` one
 * after another, in order. A message that is refused (`refusals`, by index) or that the handler
 * throws for is `rejected`, and every later message of its subject (its key) in the batch is `held`;
 * the other subjects go on.
 */
export const receiveInOrder = async (
  messages: readonly TransportMessage[],
  handler: InboundHandler,
  topic: string,
  refusals: ReadonlyMap<number, BatchRefusal> = new Map(),
): Promise<BatchOutcome[]> => {
  const stopped = new Set<string>();
  const outcomes: BatchOutcome[] = [];
  for (const [i, message] of messages.entries()) {
    const subject = typeof message.key === 'string' ? message.key : '';
    if (stopped.has(subject)) {
      outcomes.push({ status: 'held' });
      continue;
    }
    const refused = refusals.get(i);
    if (refused) {
      stopped.add(subject);
      outcomes.push({ status: 'rejected', ...refused });
      continue;
    }
    try {
      outcomes.push(await handler(message, { topic }));
    } catch (err) {
      stopped.add(subject);
      logger.warn({ err, key: subject }, 'a message of a batch delivery was not taken (the sender retries it)');
      outcomes.push({
        status: 'rejected',
        code: 'SERVICE_UNAVAILABLE',
        detail: 'the receiving node could not commit the message nor its dead letter now; deliver it again later',
      });
    }
  }
  return outcomes;
};

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
  /**
   * Delivers several messages in one go (at most {@link EMBEDDED_BATCH_MAX_EVENTS}), which the
   * receiving node applies one after another in this order: resolves with each message's outcome
   * (same length, same order) once they are all committed, dead-lettered or refused; `false` when
   * that node is not running (nothing was delivered). Throws for any other failure (none counts).
   */
  deliverBatch(cityCode: string, messages: readonly TransportMessage[]): Promise<BatchOutcome[] | false>;
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

  async deliverBatch(cityCode: string, messages: readonly TransportMessage[]): Promise<BatchOutcome[] | false> {
    const handler = this.nodes.get(cityCode);
    if (!handler) return false;
    return receiveInOrder(messages, handler, `embedded:${cityCode}`);
  }
}

/** The exchange shared by every node of this process. */
export const processExchange = new EmbeddedExchange();

/**
 * The embedded transport: delivers each event to every addressed city through an
 * {@link EmbeddedLink} (in-process, or signed HTTP between node processes: `HttpExchange`), and
 * hands what arrives (`receive`, or the in-process link's call) to the node's EventReceiver.
 */
/** How many subjects (aggregates) a delivery pass sends at once, at most; each subject's events go one after another, in order. */
const DELIVERY_LANES = 8;
/**
 * A lane per this many events of the pass (at least one lane): a small pass goes as one delivery per city — one signed
 * request, one nonce, one transaction at the receiver — and a backlog is spread over up to DELIVERY_LANES deliveries at once.
 */
const EVENTS_PER_LANE = 16;

export class EmbeddedTransport implements CityTransport {
  readonly kind = 'embedded' as const;
  private handler?: InboundHandler;
  private batchHandler?: InboundBatchHandler;

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

  /**
   * One delivery pass over the batch. Subjects are spread over lanes delivered at once (one per
   * {@link EVENTS_PER_LANE} events, at most {@link DELIVERY_LANES}); a lane goes to each addressed city as batch deliveries (one request per
   * {@link EMBEDDED_BATCH_MAX_EVENTS} messages or {@link EMBEDDED_BATCH_MAX_BYTES}), in outbox
   * order. A subject stops at its first message a city did not take: its later messages are not
   * sent to that city (reported incomplete; `held` when nothing failed but an earlier one).
   */
  async publishBatch(requests: readonly PublishRequest[], onPublished: PublishedHandler): Promise<void> {
    const lanes: number[][] = [];
    const laneOf = new Map<string, number>();
    const laneCount = Math.min(DELIVERY_LANES, Math.ceil(requests.length / EVENTS_PER_LANE));
    for (const [i, request] of requests.entries()) {
      const subject = request.event.subject;
      let lane = laneOf.get(subject);
      if (lane === undefined) laneOf.set(subject, (lane = laneOf.size % laneCount));
      (lanes[lane] ??= []).push(i);
    }
    await Promise.all(
      lanes.map(async (indexes) => {
        const results = await this.deliverLane(indexes.map((i) => requests[i]!));
        for (const [k, i] of indexes.entries()) await onPublished(i, results[k]!);
      }),
    );
  }

  /** One lane: its requests (in order) to every city they address, in batch deliveries; the outcome of each request. */
  private async deliverLane(requests: readonly PublishRequest[]): Promise<PublishResult[]> {
    let peers: string[] | undefined;
    const lane = requests.map((request) => ({
      request,
      message: undefined as TransportMessage | undefined,
      targets: request.event.tocity ? [request.event.tocity] : (peers ??= this.registry.peersOf(this.cityCode).map((c) => c.code)),
      done: new Set(request.deliveredTo),
      errors: [] as string[],
      /** Some city did not get it because of an earlier message of its subject (not its own failure). */
      held: false,
      failed: false,
    }));
    const cities = [...new Set(lane.flatMap((e) => e.targets))];
    for (const city of cities) {
      const stopped = new Set<string>();
      let pending = lane.filter((e) => e.targets.includes(city) && !e.done.has(city));
      while (pending.length) {
        // The next delivery: in order, skipping subjects already stopped for this city, within the limits.
        const chunk: typeof lane = [];
        let bytes = 0;
        const rest: typeof lane = [];
        for (const e of pending) {
          if (stopped.has(e.request.event.subject)) {
            e.held = true;
            e.errors.push(`${city}: held behind an earlier event of its subject`);
            continue;
          }
          e.message ??= toTransportMessage(e.request.event);
          const size = Buffer.byteLength(JSON.stringify(e.message));
          if (chunk.length && (chunk.length >= EMBEDDED_BATCH_MAX_EVENTS || bytes + size > EMBEDDED_BATCH_MAX_BYTES)) rest.push(e);
          else {
            chunk.push(e);
            bytes += size;
          }
        }
        if (!chunk.length) break;
        let outcomes: BatchOutcome[] | false | Error;
        try {
          outcomes = await this.exchange.deliverBatch(
            city,
            chunk.map((e) => e.message!),
          );
        } catch (err) {
          outcomes = err as Error;
        }
        for (const [k, e] of chunk.entries()) {
          const outcome = outcomes instanceof Error || outcomes === false ? undefined : outcomes[k];
          if (outcome && isDelivered(outcome)) {
            e.done.add(city);
            continue;
          }
          stopped.add(e.request.event.subject);
          if (outcome?.status === 'held') {
            e.held = true;
            e.errors.push(`${city}: held behind an earlier event of its subject`);
          } else {
            e.failed = true;
            e.errors.push(
              `${city}: ${
                outcomes === false
                  ? 'node not running'
                  : outcomes instanceof Error
                    ? outcomes.message
                    : outcome?.status === 'rejected'
                      ? `${outcome.code} ${outcome.detail}`
                      : 'no outcome'
              }`,
            );
          }
        }
        pending = rest;
      }
    }
    return lane.map((e) => {
      const complete = e.targets.every((c) => e.done.has(c));
      if (complete) return { deliveredTo: [...e.done], complete };
      return { deliveredTo: [...e.done], complete, error: e.errors.join('; '), ...(e.held && !e.failed ? { held: true } : {}) };
    });
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
   * A batch delivery a peer node made over its link (the signed batch endpoint): the messages in
   * order through the receiver ({@link receiveInOrder}; `refusals`: messages the endpoint refused
   * by index). Resolves with each outcome once all are committed, dead-lettered or refused. 503
   * SERVICE_UNAVAILABLE while this node is not consuming.
   */
  async receiveBatch(messages: readonly TransportMessage[], refusals?: ReadonlyMap<number, BatchRefusal>): Promise<BatchOutcome[]> {
    const handler = this.handler;
    if (!handler)
      throw platformError('SERVICE_UNAVAILABLE', { detail: `node ${this.cityCode} is not consuming events yet (starting or stopping)` });
    const together = this.batchHandler;
    if (!together || messages.length < 2 || (refusals?.size ?? 0) > 0)
      return receiveInOrder(messages, handler, `embedded:${this.cityCode}`, refusals);
    // Applied together where the receiver can (one transaction), as the Kafka consumer does.
    let outcomes: InboundOutcome[];
    try {
      outcomes = await together(messages, { topic: `embedded:${this.cityCode}` });
    } catch (err) {
      logger.warn({ err }, 'a batch delivery was not taken (the sender retries it)');
      return messages.map(() => ({
        status: 'rejected',
        code: 'SERVICE_UNAVAILABLE',
        detail: 'the receiving node could not commit the batch now; deliver it again later',
      }));
    }
    // A dead letter that could not be stored is not delivered: refused, and the rest of its subject in this batch held
    // (the sender retries them; any of them already applied is a duplicate then, for the inbox).
    const stopped = new Set<string>();
    return outcomes.map((o, i): BatchOutcome => {
      const subject = typeof messages[i]!.key === 'string' ? (messages[i]!.key as string) : '';
      if (stopped.has(subject)) return { status: 'held' };
      if (o.status === 'dead-lettered' && o.stored === false) {
        stopped.add(subject);
        return {
          status: 'rejected',
          code: 'SERVICE_UNAVAILABLE',
          detail: `dead letter not stored (${o.reasonCode}): deliver it again later`,
        };
      }
      return o;
    });
  }

  /**
   * There is no dead-letter topic here: a message whose dead letter could not be stored is refused
   * (thrown), so the sender keeps it in its outbox and retries it, rather than it being lost.
   */
  async start(handler: InboundHandler, batchHandler?: InboundBatchHandler): Promise<void> {
    this.batchHandler = batchHandler;
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
    this.batchHandler = undefined;
    this.exchange.close?.();
  }

  isReady(): boolean {
    return this.handler !== undefined;
  }

  async probe(): Promise<string | undefined> {
    return this.isReady() ? undefined : 'not consuming (starting or stopping)';
  }
}
