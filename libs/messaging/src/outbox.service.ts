import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventContract } from '@guangfo/contracts';
import { CityRegistry, Correlation, insertPart, NODE_CONFIG, type NodeConfig, prepared, runSql } from '@guangfo/platform';
import { EventSigner } from './event-signer.js';
import { DataKeyCache, sealPersonalFields } from './personal-data.seal.js';
import { eventSource, type UnsignedEvent } from './signed-event.js';

/** The notification channel on which the outbox's commits wake the relay (LISTEN/NOTIFY, across processes). */
export const OUTBOX_CHANNEL = 'guangfo_outbox';

export interface OutgoingEvent<T> {
  contract: EventContract<T>;
  /** Domain that emits it (`affairs`, `credentials`, …): part of `source`. */
  domain: string;
  /** Aggregate id: the Kafka key, so one aggregate's events stay in order. */
  subject: string;
  data: T;
  /** Required for addressed events, forbidden for broadcasts (public data only). */
  toCity?: string;
}

/**
 * An outbox row: its values come from {@link OutboxService.stage}. A statement that writes one must also select
 * {@link OUTBOX_NOTIFY} (the relay's wake-up, delivered at commit), as `add`'s own statement does.
 */
export const OUTBOX_APPEND = insertPart('platform.outbox', ['event_id', 'type', 'subject', 'audience', 'to_city', 'envelope']);
export const OUTBOX_NOTIFY = `pg_notify('${OUTBOX_CHANNEL}', '')`;
/** The insert and the relay's wake-up in one statement (prepared on each connection): the notification is delivered at commit. */
const OUTBOX_INSERT = prepared(`WITH ${OUTBOX_APPEND.cte('added', 1)} SELECT ${OUTBOX_NOTIFY} FROM added`);

/** An event ready for its outbox row: the row's values in `OUTBOX_APPEND`'s column order. */
export interface StagedEvent<T> {
  readonly event: UnsignedEvent<T>;
  readonly params: readonly unknown[];
}

/**
 * Transactional outbox: the event row commits in the caller's transaction, with the state
 * change it describes. The relay publishes it afterwards; nothing is sent that did not commit.
 * The personal fields a contract declares are sealed for the addressed city before the event is
 * signed and stored: neither the outbox row nor the bus holds them in clear.
 */
@Injectable()
export class OutboxService {
  private listeners: (() => void)[] = [];
  /** Data keys for sealing personal fields, reused per recipient key for a bounded number of events and minutes. */
  private readonly dataKeys = new DataKeyCache();

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly signer: EventSigner,
    private readonly registry: CityRegistry,
  ) {}

  async add<T>(em: EntityManager, out: OutgoingEvent<T>): Promise<UnsignedEvent<T>> {
    const staged = this.stage(out);
    await runSql(em, OUTBOX_INSERT, staged.params);
    this.added();
    return staged.event;
  }

  /**
   * Everything `add` does but the write: the checks, the sealing of personal fields and the event. For a hot path whose
   * own write statement carries the row (`OUTBOX_APPEND.cte` with `params`, selecting `OUTBOX_NOTIFY`) in the caller's
   * transaction; it calls {@link added} once that statement ran.
   */
  stage<T>(out: OutgoingEvent<T>): StagedEvent<T> {
    const { contract } = out;
    if (contract.audience === 'addressed' && !out.toCity) throw new Error(`${contract.type} is addressed: toCity is required`);
    if (contract.audience === 'broadcast' && out.toCity) throw new Error(`${contract.type} is a broadcast of public data: no toCity`);
    if (out.toCity === this.config.cityCode) throw new Error(`${contract.type}: a city does not address events to itself`);
    const parsed = contract.schema.parse(out.data);
    const scope = Correlation.current();
    const id = randomUUID();
    const source = eventSource(this.config.cityCode, out.domain);
    let data: T = parsed;
    if (contract.personal?.length && out.toCity) {
      const recipient = this.registry.encryptionKey(out.toCity);
      if (!recipient)
        throw new Error(`${contract.type} carries personal data, but city ${out.toCity} pins no active encryption key in the registry`);
      data = sealPersonalFields(
        parsed,
        contract.personal,
        recipient,
        { id, type: contract.type, source, tocity: out.toCity },
        this.dataKeys,
      );
    }
    // Signed by the relay, one signature per batch (EventSigner.signBatch), not here on the request's path.
    const event = this.signer.unsigned<T>({
      specversion: '1.0',
      id,
      source,
      type: contract.type,
      subject: out.subject,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      ...(out.toCity ? { tocity: out.toCity } : {}),
      correlationid: scope?.correlationId ?? randomUUID(),
      ...(scope?.causationId ? { causationid: scope.causationId } : {}),
      ...(scope?.traceparent ? { traceparent: scope.traceparent } : {}),
      data,
    });
    return { event, params: [event.id, event.type, event.subject, contract.audience, out.toCity ?? null, JSON.stringify(event)] };
  }

  /** A row was written (by `add`, or by a statement that carried a staged row): tells the in-process listeners. */
  added(): void {
    for (const l of this.listeners) l();
  }

  /** In-process listeners told when a row is written (before its commit: the relay also listens for the commit). */
  onAdded(listener: () => void): void {
    this.listeners.push(listener);
  }
}
