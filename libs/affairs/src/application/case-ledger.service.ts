import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { caseEventContract, type CaseStatus } from '@guangfo/contracts';
import { maskIdNumber } from '@guangfo/kernel';
import { OutboxService } from '@guangfo/messaging';
import { type AuditEntry, AuditService, auditParams, NODE_CONFIG, type NodeConfig } from '@guangfo/platform';
import { type WebhookEnqueue, WebhookOutbox } from '@guangfo/webhooks';
import { CaseRepository, type CaseRow, type CaseWriteCarried, type EntryRow } from '../infrastructure/case.repository.js';
import type { CaseEntry } from './case.types.js';
import { CaseDeadlines } from './case-deadlines.service.js';
import {
  apply,
  type CaseAggregate,
  CaseReplicaError,
  decide,
  holderOf,
  refuseWithdrawal,
  statusOf,
  WITHDRAWABLE_STATES,
} from '../domain/case.aggregate.js';
import { ApplicantIdSeal } from '../infrastructure/applicant-id.seal.js';

export const AFFAIRS_DOMAIN = 'affairs';
/** The partner webhook every city sends when a case it keeps changes (no personal data). */
export const CASE_WEBHOOK_TYPE = 'affairs.case.status-changed';

/**
 * The one place entries are added to a case, in the caller's transaction: entries this city
 * writes (it holds the case) are persisted and sent to the other participating city through the
 * outbox; entries received from the other city are checked and persisted. After each entry, a
 * withdrawal request waiting for this city is answered.
 */
@Injectable()
export class CaseLedger implements OnModuleInit {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly repo: CaseRepository,
    private readonly outbox: OutboxService,
    private readonly deadlines: CaseDeadlines,
    private readonly audit: AuditService,
    private readonly applicantIds: ApplicantIdSeal,
    private readonly webhooks: WebhookOutbox,
  ) {}

  onModuleInit(): void {
    this.webhooks.declare({
      type: CASE_WEBHOOK_TYPE,
      description: 'A 跨城通办 case this city keeps took a step (filed, forwarded, accepted, decided, …): ids, state and reason code only',
    });
  }

  get city(): string {
    return this.config.cityCode;
  }

  /**
   * Stores a new case from its filing entry (seq 1), written here or received: the case, the entry, its partner webhook
   * and, when given, its audit record (`o.audit`) and its events to the other participating cities (`o.send`: what the
   * filing event carries besides the entry) in one statement. The applicant's ID number is stored encrypted (and masked
   * for display); the stored aggregate keeps only the mask. Returns the case row and its first entry as they were
   * written (what reading them back would give).
   */
  async create(
    em: EntityManager,
    c: CaseAggregate,
    entry: CaseEntry,
    p: { authorCity: string; idNumber: string; localHall: string | null },
    o: { audit?: AuditEntry; send?: Record<string, unknown> } = {},
  ): Promise<{ row: CaseRow; entry: EntryRow }> {
    const masked = maskIdNumber(p.idNumber);
    const stored: CaseAggregate = { ...c, filing: { ...c.filing, applicant: { ...c.filing.applicant, idNumber: masked } } };
    const events = o.send ? this.eventsOf(c, entry, o.send).map((e) => e.params) : [];
    const written = await this.repo.insert(
      em,
      stored,
      {
        applicantIdMasked: masked,
        applicantIdCipher: this.applicantIds.seal(c.id, p.idNumber),
        filedAt: entry.at,
        dueDate: this.deadlines.of(c, [{ kind: entry.kind, at: entry.at }], entry.at).dueDate,
        localHall: p.localHall,
        holder: holderOf(c),
      },
      { entry, authorCity: p.authorCity },
      { events, ...(o.audit ? { audit: auditParams(o.audit) } : {}), webhook: this.webhooks.stage(this.webhookOf(c, entry)).params },
    );
    if (events.length) this.outbox.added();
    this.webhooks.enqueued(written.webhooks);
    return { row: written.row, entry: written.entry };
  }

  /**
   * Appends an entry this city wrote and addresses it to the other participant(s): the case row, the events and the
   * step's audit record (`o.audit`) in one statement; `o.localHall`, a clerk's hall, is kept on the case if it has none.
   */
  async append(
    em: EntityManager,
    c: CaseAggregate,
    entry: CaseEntry,
    o: { audit?: AuditEntry; localHall?: string } = {},
  ): Promise<CaseAggregate> {
    const next = apply(c, entry, this.city);
    const events = this.eventsOf(next, entry).map((e) => e.params);
    await this.persist(em, c, next, entry, this.city, { events, ...(o.audit ? { audit: auditParams(o.audit) } : {}) }, o.localHall);
    if (events.length) this.outbox.added();
    return this.afterEntry(em, next, entry);
  }

  /**
   * The events of an entry (and the state it led to) to every other participating city, staged for the statement that
   * writes it; `extra`, what the event carries besides (the filing, for seq 1).
   */
  private eventsOf(c: CaseAggregate, entry: CaseEntry, extra: Record<string, unknown> = {}) {
    const contract = caseEventContract(entry.kind);
    return c.filing.participants
      .filter((p) => p !== this.city)
      .map((toCity) =>
        this.outbox.stage({
          contract,
          domain: AFFAIRS_DOMAIN,
          subject: c.id,
          data: { caseId: c.id, entry, status: statusOf(c), ...extra } as never,
          toCity,
        }),
      );
  }

  /** Applies an entry the other city wrote; it must lead where its author says it did. */
  async applyReplicated(
    em: EntityManager,
    c: CaseAggregate,
    entry: CaseEntry,
    authorCity: string,
    expected: CaseStatus,
  ): Promise<CaseAggregate> {
    const next = apply(c, entry, authorCity);
    const got = statusOf(next);
    if (
      got.state !== expected.state ||
      got.version !== expected.version ||
      got.holder !== expected.holder ||
      got.outcome !== expected.outcome
    ) {
      throw new CaseReplicaError(`entry ${entry.seq} leads to ${JSON.stringify(got)} here, ${JSON.stringify(expected)} at ${authorCity}`);
    }
    await this.persist(em, c, next, entry, authorCity, {
      audit: auditParams({
        actor: `city:${authorCity}`,
        action: `case.replicated.${entry.kind}`,
        resource: `case:${c.id}`,
        outcome: 'success',
        detail: { seq: entry.seq, state: next.state },
      }),
    });
    return this.afterEntry(em, next, entry);
  }

  private async persist(
    em: EntityManager,
    prev: CaseAggregate,
    next: CaseAggregate,
    entry: CaseEntry,
    authorCity: string,
    carried: Omit<CaseWriteCarried, 'webhook'>,
    localHall?: string,
  ): Promise<void> {
    const points = await this.repo.appendEntry(em, next.id, entry, authorCity);
    const holder = holderOf(next);
    const { webhooks } = await this.repo.update(
      em,
      next,
      {
        holder,
        dueDate: this.deadlines.of(next, points, entry.at).dueDate,
        at: entry.at,
        keepClaim: holder === this.city && holderOf(prev) === this.city,
        localHall: localHall ?? null,
      },
      { ...carried, webhook: this.webhooks.stage(this.webhookOf(next, entry)).params },
    );
    this.webhooks.enqueued(webhooks);
  }

  /** Partner webhook (this city's subscribers): the step, never a name, ID number or material. */
  private webhookOf(c: CaseAggregate, entry: CaseEntry): WebhookEnqueue {
    const f = c.filing;
    return {
      eventType: CASE_WEBHOOK_TYPE,
      subject: c.id,
      itemCode: f.itemCode,
      occurredAt: new Date(entry.at),
      payload: {
        caseId: c.id,
        itemCode: f.itemCode,
        mode: f.mode,
        step: entry.kind,
        reasonCode: entry.reasonCode,
        state: c.state,
        outcome: c.outcome,
        version: c.version,
        holderCity: holderOf(c),
        receivingCity: f.receivingCity,
        administeringCity: f.administeringCity,
      },
    };
  }

  /** Resolves withdrawal requests the entry answers, then answers one waiting for this city. */
  private async afterEntry(em: EntityManager, c: CaseAggregate, entry: CaseEntry): Promise<CaseAggregate> {
    if (entry.kind === 'withdrawn' && entry.detail.requestId)
      await this.repo.resolveRequest(em, entry.detail.requestId, 'applied', entry.seq, entry.at);
    if (entry.kind === 'withdrawal-refused') await this.repo.resolveRequest(em, entry.detail.requestId, 'refused', entry.seq, entry.at);
    const holder = holderOf(c);
    if (holder === null) {
      await this.repo.supersedeRequests(em, c.id, entry.seq, entry.at);
      return c;
    }
    if (holder !== this.city) return c;
    return this.answerRequests(em, c);
  }

  /** The holder answers the oldest pending withdrawal request: withdraw if still possible, else refuse. */
  async answerRequests(em: EntityManager, c: CaseAggregate): Promise<CaseAggregate> {
    if (holderOf(c) !== this.city) return c;
    const [req] = await this.repo.requests(em, c.id, 'pending');
    if (!req) return c;
    const at = this.deadlines.clock.now().toISOString();
    const entry = WITHDRAWABLE_STATES.includes(c.state)
      ? decide(
          c,
          { action: 'withdraw', requestId: req.id, ...(req.payload.reason ? { reason: req.payload.reason } : {}) },
          { actor: req.payload.actor, authorCity: this.city, at },
        )
      : refuseWithdrawal(c, req.id, { actor: { role: 'system', id: AFFAIRS_DOMAIN, city: this.city }, authorCity: this.city, at });
    await this.audit.record(
      {
        actor: `city:${this.city}`,
        action: `case.request.${entry.kind}`,
        resource: `case:${c.id}`,
        outcome: 'success',
        detail: { requestId: req.id, seq: entry.seq },
      },
      em,
    );
    return this.append(em, c, entry);
  }
}
