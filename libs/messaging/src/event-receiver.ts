import { randomUUID } from 'node:crypto';
import { findContract } from '@guangfo/contracts';
import { backoffMs } from '@guangfo/kernel';
import { AuditService, Correlation, MetricsService, NODE_CONFIG, type NodeConfig, prepared, runSql } from '@guangfo/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type CrossCityEventHandler, EventHandlerRegistry, type ReceivedEvent } from './event-handler.registry.js';
import { EventSigner } from './event-signer.js';
import { DataKeyCache, openPersonalFields, PersonalSealError } from './personal-data.seal.js';
import { storeWire } from './dead-letter.wire.js';
import { fromTransportMessage, type SignedEvent, type WireMessage, wireHeadersText } from './signed-event.js';
import type { InboundOutcome } from './transports/city-transport.js';

/** Why an event was dead-lettered. Stable codes, listed by the admin API. */
export type DeadLetterReason =
  | 'MALFORMED'
  | 'UNSIGNED'
  | 'UNKNOWN_SIGNER'
  | 'SIGNATURE_INVALID'
  | 'NOT_ADDRESSED_HERE'
  | 'UNKNOWN_TYPE'
  | 'SCHEMA_INVALID'
  | 'PERSONAL_DATA_UNSEALED'
  | 'HANDLER_FAILED';

class Rejection extends Error {
  constructor(
    readonly reasonCode: DeadLetterReason,
    reason: string,
  ) {
    super(reason);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Attempts at storing one dead letter before it is given up to the transport's dead-letter topic alone. */
const STORE_ATTEMPTS = 3;
const PROBE_TIMEOUT_MS = 2_000;

/** Text PostgreSQL accepts (no U+0000, no unpaired surrogate): such characters become U+FFFD. */
function pgText(s: string): string;
function pgText(s: string | undefined): string | undefined;
function pgText(s: string | undefined): string | undefined {
  return s === undefined
    ? undefined
    : s.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

// The inbox rows (prepared on each connection): one per event and consumer, a duplicate inserting nothing.
const INBOX_INSERT = prepared(
  `INSERT INTO platform.inbox (event_id, consumer, source_city, type) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING event_id`,
);
const INBOX_INSERT_MANY = prepared(
  `INSERT INTO platform.inbox (event_id, consumer, source_city, type)
   SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING RETURNING event_id, consumer`,
);

/**
 * The edge every received event passes, whatever the transport: parse, verify the sender's
 * signature against its pinned key, check the address, validate the payload against its
 * contract, then apply each handler exactly once (inbox row + effects in one transaction),
 * with bounded retries. Anything that cannot be applied goes to the dead-letter store with
 * its reason, and is audited; it never blocks the messages behind it.
 */
@Injectable()
export class EventReceiver {
  private readonly logger = new Logger(EventReceiver.name);
  /** The data keys this node unwrapped with its encryption key (one cache per node and key). */
  private readonly dataKeys = new DataKeyCache();

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly dataSource: DataSource,
    private readonly signer: EventSigner,
    private readonly handlers: EventHandlerRegistry,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * @param mode `live`: a rejected message is stored as a dead letter. `replay`: an admin re-runs a
   * stored dead letter; a rejection is only reported (the dead letter stays, with the new reason).
   */
  async receive(message: WireMessage, mode: 'live' | 'replay' = 'live'): Promise<InboundOutcome> {
    let received: ReceivedEvent;
    try {
      received = this.admit(message);
    } catch (err) {
      if (!(err instanceof Rejection)) throw err;
      return this.reject(mode, message, err.reasonCode, err.message, 0);
    }
    if (received.fromCity === this.config.cityCode) return { status: 'ignored' }; // our own broadcast
    const event = received;
    return Correlation.run(
      {
        city: this.config.cityCode,
        correlationId: event.correlationid ?? randomUUID(),
        causationId: event.id,
        traceparent: event.traceparent,
      },
      () => this.apply(mode, message, received),
    );
  }

  /**
   * Several messages of one ordered stream (a Kafka partition's batch), applied in as few transactions as correctness allows:
   * every admitted event's inbox rows in one statement and every handler's effects, in order, in one transaction. If anything
   * in it fails, none of it is kept and each message takes the one-by-one path of `receive` instead (its own transactions,
   * retries, dead letters), so one bad event still never rolls back another and the order within the stream is kept.
   * Rejected messages (signature, address, contract) are dead-lettered as `receive` does, before the others are applied (so
   * an event behind a refused message is never applied before that message is dead-lettered). One outcome per message, in order.
   */
  async receiveBatch(messages: readonly WireMessage[]): Promise<InboundOutcome[]> {
    if (messages.length < 2) return Promise.all(messages.map((m) => this.receive(m)));
    const outcomes: InboundOutcome[] = new Array<InboundOutcome>(messages.length);
    const admitted: { i: number; event: ReceivedEvent; handlers: readonly CrossCityEventHandler[] }[] = [];
    const rejected: { i: number; rejection: Rejection }[] = [];
    messages.forEach((m, i) => {
      try {
        const event = this.admit(m);
        if (event.fromCity === this.config.cityCode) outcomes[i] = { status: 'ignored' };
        else admitted.push({ i, event, handlers: this.handlers.for(event.type) });
      } catch (err) {
        if (!(err instanceof Rejection)) throw err;
        rejected.push({ i, rejection: err });
      }
    });
    // The refused ones first: a dead letter has no effects to order, and so what follows a refused message is never applied
    // before it is dead-lettered (as one by one; a dead-letter store that fails is retried here before anything is applied).
    for (const { i, rejection } of rejected)
      outcomes[i] = await this.reject('live', messages[i]!, rejection.reasonCode, rejection.message, 0);
    let applied: Set<number> | undefined;
    try {
      applied = await this.applyTogether(admitted);
    } catch (err) {
      this.logger.warn({ err, events: admitted.length }, 'batch not applied together: one by one instead');
    }
    for (const { i, event, handlers } of admitted) {
      if (!applied) {
        outcomes[i] = await this.receive(messages[i]!);
        continue;
      }
      const status = applied.has(i) ? 'applied' : handlers.length ? 'duplicate' : 'ignored';
      this.metrics.eventsReceived.inc({ type: event.type, outcome: status });
      outcomes[i] = { status };
    }
    return outcomes;
  }

  /** One transaction: the inbox rows of every (event, consumer) in one statement, then each new one's effects in order. */
  private async applyTogether(
    admitted: readonly { i: number; event: ReceivedEvent; handlers: readonly CrossCityEventHandler[] }[],
  ): Promise<Set<number>> {
    const applied = new Set<number>();
    const pairs = admitted.flatMap((a) => a.handlers.map((h) => ({ ...a, handler: h })));
    if (pairs.length === 0) return applied;
    await this.dataSource.transaction(async (em) => {
      const rows = (await runSql(em, INBOX_INSERT_MANY, [
        pairs.map((p) => p.event.id),
        pairs.map((p) => p.handler.consumer),
        pairs.map((p) => p.event.fromCity),
        pairs.map((p) => p.event.type),
      ])) as { event_id: string; consumer: string }[];
      // An event twice in one batch is applied once: each inserted row is taken by its first pair.
      const fresh = new Set(rows.map((r) => `${r.event_id}\u0000${r.consumer}`));
      for (const { i, event, handler } of pairs) {
        const key = `${event.id.toLowerCase()}\u0000${handler.consumer}`;
        if (!fresh.delete(key)) continue;
        await Correlation.run(
          {
            city: this.config.cityCode,
            correlationId: event.correlationid ?? randomUUID(),
            causationId: event.id,
            traceparent: event.traceparent,
          },
          () => handler.handle(event, em),
        );
        applied.add(i);
      }
    });
    return applied;
  }

  /** Checks everything that does not depend on handlers. Throws Rejection. */
  private admit(message: WireMessage): ReceivedEvent {
    let event: SignedEvent;
    try {
      event = fromTransportMessage(message);
    } catch (err) {
      throw new Rejection('MALFORMED', `not a CloudEvents 1.0 message: ${(err as Error).message}`);
    }
    const verdict = this.signer.verify(event);
    if (!verdict.ok) throw new Rejection(verdict.code, verdict.reason);
    if (verdict.city === this.config.cityCode) return { ...event, fromCity: verdict.city };
    if (event.tocity !== undefined && event.tocity !== this.config.cityCode) {
      throw new Rejection('NOT_ADDRESSED_HERE', `addressed to ${event.tocity}, this node is ${this.config.cityCode}`);
    }
    const contract = findContract(event.type);
    if (!contract) throw new Rejection('UNKNOWN_TYPE', `no contract for event type ${event.type}`);
    if ((contract.audience === 'addressed') !== (event.tocity !== undefined)) {
      throw new Rejection(
        'SCHEMA_INVALID',
        `${event.type} is ${contract.audience} but the event ${event.tocity ? 'names' : 'lacks'} tocity`,
      );
    }
    let data: unknown = event.data;
    if (contract.personal?.length) {
      // The sealed envelope first (its shape, nothing personal in clear), then the opened payload against the contract.
      try {
        data = openPersonalFields(
          event.data,
          contract.personal,
          this.config.encryptionKey,
          {
            id: event.id,
            type: event.type,
            source: event.source,
            tocity: event.tocity!,
          },
          this.dataKeys,
        );
      } catch (err) {
        if (!(err instanceof PersonalSealError)) throw err;
        throw new Rejection('PERSONAL_DATA_UNSEALED', err.message);
      }
    }
    const parsed = contract.schema.safeParse(data);
    if (!parsed.success) {
      throw new Rejection('SCHEMA_INVALID', parsed.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; '));
    }
    return { ...event, data: parsed.data, fromCity: verdict.city };
  }

  private async apply(mode: 'live' | 'replay', message: WireMessage, event: ReceivedEvent): Promise<InboundOutcome> {
    let applied = false;
    for (const handler of this.handlers.for(event.type)) {
      let outcome = await this.applyOne(handler, event, this.config.maxDeliveryAttempts);
      if (outcome === 'failed') {
        // A handler cannot commit while the database is away: that is not the event's fault. Thrown,
        // so the transport delivers it again later (Kafka: redelivered; embedded: the sender retries).
        if (!(await this.databaseAnswers())) throw new Error(`database not answering: event ${event.id} will be delivered again`);
        // The database answers now, but it may have come back only after the last attempt (an outage just ending): one
        // more attempt with it answering decides, so failures that were the database's never dead-letter the event.
        outcome = await this.applyOne(handler, event, 1);
      }
      if (outcome === 'failed') {
        return this.reject(
          mode,
          message,
          'HANDLER_FAILED',
          `consumer ${handler.consumer} failed ${this.config.maxDeliveryAttempts + 1} times (the last with the database answering)`,
          this.config.maxDeliveryAttempts + 1,
          event,
        );
      }
      applied ||= outcome === 'applied';
    }
    const status = applied ? 'applied' : this.handlers.for(event.type).length ? 'duplicate' : 'ignored';
    this.metrics.eventsReceived.inc({ type: event.type, outcome: status });
    return { status };
  }

  private async applyOne(
    handler: CrossCityEventHandler,
    event: ReceivedEvent,
    attempts: number,
  ): Promise<'applied' | 'duplicate' | 'failed'> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction(async (em) => {
          const inserted = (await runSql(em, INBOX_INSERT, [event.id, handler.consumer, event.fromCity, event.type])) as unknown[];
          if (inserted.length === 0) return 'duplicate' as const;
          await handler.handle(event, em);
          return 'applied' as const;
        });
      } catch (err) {
        this.logger.warn({ err, eventId: event.id, consumer: handler.consumer, attempt }, 'event handler failed');
        if (attempt >= attempts) return 'failed';
        await sleep(backoffMs({ baseMs: this.config.retryBaseMs, maxMs: Number.POSITIVE_INFINITY }, attempt));
      }
    }
  }

  /** Whether the city database answers now (a short probe). */
  private async databaseAnswers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS))),
      ]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private async reject(
    mode: 'live' | 'replay',
    message: WireMessage,
    reasonCode: DeadLetterReason,
    reason: string,
    attempts: number,
    event?: SignedEvent,
  ): Promise<InboundOutcome> {
    if (mode === 'replay') return { status: 'dead-lettered', reasonCode, reason };
    // Whatever arrived is stored byte for byte (raw_key, raw_value, raw_headers); the descriptive
    // columns are text, with anything PostgreSQL text cannot hold replaced (pgText).
    const h = Object.fromEntries(Object.entries(wireHeadersText(message, true)).map(([k, v]) => [k, pgText(v)])) as Record<
      string,
      string | undefined
    >;
    reason = pgText(reason);
    const id = randomUUID();
    const wire = storeWire(message);
    this.metrics.deadLetters.inc({ reason: reasonCode });
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.dataSource.transaction(async (em) => {
          await em.query(
            `INSERT INTO platform.dead_letter (id, event_id, type, source, reason_code, reason, raw_key, raw_value, raw_headers, attempts)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
            [
              id,
              pgText(event?.id ?? h.ce_id) ?? null,
              pgText(event?.type ?? h.ce_type) ?? null,
              pgText(event?.source ?? h.ce_source) ?? null,
              reasonCode,
              reason,
              wire.rawKey,
              wire.rawValue,
              wire.rawHeaders,
              attempts,
            ],
          );
          await this.audit.record(
            {
              actor: `city:${pgText(event?.source ?? h.ce_source ?? '').split('/')[2] || 'unknown'}`,
              action: 'event.dead-lettered',
              resource: `event:${h.ce_id ?? 'unknown'}`,
              outcome: 'rejected',
              detail: { deadLetterId: id, reasonCode, reason, type: h.ce_type ?? null, source: h.ce_source ?? null },
            },
            em,
          );
        });
        this.logger.warn({ deadLetterId: id, reasonCode, reason, eventId: h.ce_id }, 'event dead-lettered');
        return { status: 'dead-lettered', reasonCode, reason, stored: true };
      } catch (err) {
        if (attempt < STORE_ATTEMPTS) {
          await sleep(backoffMs({ baseMs: this.config.retryBaseMs, maxMs: Number.POSITIVE_INFINITY }, attempt));
          continue;
        }
        // An event whose handlers failed only because the database is away is not dead: delivered again later.
        if (reasonCode === 'HANDLER_FAILED' && !(await this.databaseAnswers())) throw err;
        // Never retried for ever: the transport keeps the only copy (Kafka: the dead-letter topic) and moves on.
        this.metrics.deadLetterStoreFailures.inc({ reason: reasonCode });
        this.logger.error(
          { alert: 'DEAD_LETTER_STORE_FAILED', err, reasonCode, reason, eventId: h.ce_id },
          'ALERT: the dead-letter store failed; the message is kept on the dead-letter topic only',
        );
        return { status: 'dead-lettered', reasonCode, reason, stored: false };
      }
    }
  }
}
