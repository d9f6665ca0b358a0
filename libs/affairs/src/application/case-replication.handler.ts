import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  CASE_TRANSITION_CONTRACTS,
  type CaseEvaluated,
  CaseEvaluatedV1,
  type CaseFiledData,
  CaseFiledV1,
  type CaseFollowUpEvaluated,
  CaseFollowUpEvaluatedV1,
  type CaseTransitionData,
  type CaseWithdrawalRequested,
  CaseWithdrawalRequestedV1,
} from '@guangfo/contracts';
import { HandlesEvent, type ReceivedEvent } from '@guangfo/messaging';
import { AuditService, NODE_CONFIG, type NodeConfig } from '@guangfo/platform';
import { CaseLedger } from './case-ledger.service.js';
import { CaseRepository } from '../infrastructure/case.repository.js';
import { type CaseAggregate, CaseReplicaError, fileCase, holderOf } from '../domain/case.aggregate.js';
import { placeEntry } from '../domain/case-replica.js';
import { MaterialEvidenceService } from './material-evidence.service.js';
import { RemediationService } from './remediation.service.js';

type EntryData = CaseTransitionData | CaseFiledData;

/** Every entry of a case's timeline: its filing and each transition. */
const CASE_ENTRY_CONTRACTS = [CaseFiledV1, ...Object.values(CASE_TRANSITION_CONTRACTS)] as const;

/**
 * This city's copy of the cases it shares with the other city. Entries are applied in `seq` order:
 * an early entry is buffered (affairs.pending_entry) until the gap is filled, a repeated one is
 * dropped, so the copy converges whatever the delivery order. The signer of each entry must be the
 * city that held the case; the result must match the state the author reported.
 */
@Injectable()
export class CaseReplicationHandler {
  private readonly logger = new Logger(CaseReplicationHandler.name);

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly repo: CaseRepository,
    private readonly ledger: CaseLedger,
    private readonly remediations: RemediationService,
    private readonly audit: AuditService,
    private readonly evidence: MaterialEvidenceService,
  ) {}

  @HandlesEvent(CASE_ENTRY_CONTRACTS, { consumer: 'affairs.case-replica' })
  async onEntry(event: ReceivedEvent<EntryData>, em: EntityManager): Promise<void> {
    const { caseId, entry } = event.data;
    if (event.subject !== caseId) throw new CaseReplicaError(`subject ${event.subject} is not case ${caseId}`);
    const row = await this.repo.find(em, caseId, true);
    const placement = placeEntry(row?.version ?? 0, entry.seq);
    if (placement === 'duplicate') return;
    if (placement === 'buffer') {
      await this.repo.buffer(em, { caseId, seq: entry.seq, authorCity: event.fromCity, eventId: event.id, payload: event.data });
      this.logger.log({ caseId, seq: entry.seq, have: row?.version ?? 0 }, 'case entry buffered until the gap is filled');
      return;
    }
    let c = await this.applyOne(em, row?.aggregate ?? null, event.data, event.fromCity);
    // Each step takes the next buffered entry and drops stale ones in one statement; the last one (nothing next) leaves none behind.
    for (
      let next = await this.repo.takeNextBuffered<EntryData>(em, caseId, c.version);
      next;
      next = await this.repo.takeNextBuffered<EntryData>(em, caseId, c.version)
    ) {
      c = await this.applyOne(em, c, next.payload, next.authorCity);
    }
  }

  private async applyOne(em: EntityManager, c: CaseAggregate | null, data: EntryData, authorCity: string): Promise<CaseAggregate> {
    if (data.entry.seq === 1) {
      if (!('case' in data)) throw new CaseReplicaError('the first entry of a case must be its filing');
      const filing = data.case;
      if (authorCity !== filing.originCity) throw new CaseReplicaError(`case filed at ${filing.originCity} but signed by ${authorCity}`);
      if (!filing.participants.includes(this.config.cityCode))
        throw new CaseReplicaError(`city ${this.config.cityCode} does not take part in case ${data.caseId}`);
      const created = fileCase(data.caseId, filing, data.entry);
      await this.ledger.create(
        em,
        created,
        data.entry,
        {
          authorCity,
          idNumber: filing.applicant.idNumber,
          localHall: filing.receivingCity === this.config.cityCode ? filing.receivingHall : null,
        },
        {
          audit: {
            actor: `city:${authorCity}`,
            action: 'case.replicated.filed',
            resource: `case:${data.caseId}`,
            outcome: 'success',
            detail: { itemCode: filing.itemCode },
          },
        },
      );
      await this.evidence.replicate(em, MaterialEvidenceService.ofMaterials(filing.materials));
      return holderOf(created) === this.config.cityCode ? this.ledger.answerRequests(em, created) : created;
    }
    if (!c) throw new CaseReplicaError(`entry ${data.entry.seq} of case ${data.caseId} applied before its filing`);
    if (data.entry.kind === 'supplemented')
      await this.evidence.replicate(
        em,
        data.entry.detail.responses.map((r) => r.evidence),
      );
    return this.ledger.applyReplicated(em, c, data.entry, authorCity, data.status);
  }

  /** The applicant's city asks the holder to withdraw; the holder answers in the timeline. */
  @HandlesEvent(CaseWithdrawalRequestedV1, { consumer: 'affairs.case-requests' })
  async onWithdrawalRequested(event: ReceivedEvent<CaseWithdrawalRequested>, em: EntityManager): Promise<void> {
    const d = event.data;
    if (d.actor.city !== event.fromCity)
      throw new CaseReplicaError(`withdrawal request for an applicant of ${d.actor.city} signed by ${event.fromCity}`);
    const row = await this.repo.find(em, d.caseId, true);
    if (row && row.aggregate.filing.applicantCity !== event.fromCity)
      throw new CaseReplicaError(`only the applicant's city ${row.aggregate.filing.applicantCity} asks to withdraw`);
    await this.repo.insertRequest(em, {
      id: d.requestId,
      caseId: d.caseId,
      originCity: event.fromCity,
      payload: { actor: d.actor, requestedAt: d.requestedAt, knownVersion: d.knownVersion, ...(d.reason ? { reason: d.reason } : {}) },
      createdAt: d.requestedAt,
    });
    await this.audit.record(
      {
        actor: `city:${event.fromCity}`,
        action: 'case.withdraw.received',
        resource: `case:${d.caseId}`,
        outcome: 'success',
        detail: { requestId: d.requestId },
      },
      em,
    );
    // Answered now if this city holds the case; otherwise by whoever holds it when it comes back here.
    if (row) await this.ledger.answerRequests(em, row.aggregate);
  }

  @HandlesEvent(CaseEvaluatedV1, { consumer: 'affairs.case-evaluations' })
  async onEvaluated(event: ReceivedEvent<CaseEvaluated>, em: EntityManager): Promise<void> {
    const d = event.data;
    const row = await this.repo.find(em, d.caseId, true);
    if (!row) throw new CaseReplicaError(`rating for unknown case ${d.caseId}`);
    if (row.aggregate.filing.applicantCity !== event.fromCity)
      throw new CaseReplicaError(`rating signed by ${event.fromCity}, not the applicant's city`);
    if (
      !(await this.repo.insertEvaluation(em, {
        caseId: d.caseId,
        rating: d.rating,
        level: d.level,
        comment: d.comment,
        actor: d.actor,
        at: d.evaluatedAt,
      }))
    )
      return;
    if (d.rating <= 2) await this.remediations.open(em, row, { rating: d.rating, level: d.level, comment: d.comment, at: d.evaluatedAt });
    await this.audit.record(
      {
        actor: `city:${event.fromCity}`,
        action: 'case.replicated.evaluated',
        resource: `case:${d.caseId}`,
        outcome: 'success',
        detail: { rating: d.rating },
      },
      em,
    );
  }

  /** 追评 from the applicant's city: stored once; the responsible city notes it on its remediation task. */
  @HandlesEvent(CaseFollowUpEvaluatedV1, { consumer: 'affairs.case-follow-ups' })
  async onFollowUpEvaluated(event: ReceivedEvent<CaseFollowUpEvaluated>, em: EntityManager): Promise<void> {
    const d = event.data;
    const row = await this.repo.find(em, d.caseId, true);
    if (!row) throw new CaseReplicaError(`follow-up rating for unknown case ${d.caseId}`);
    if (row.aggregate.filing.applicantCity !== event.fromCity)
      throw new CaseReplicaError(`follow-up rating signed by ${event.fromCity}, not the applicant's city`);
    const stored = await this.repo.addFollowUp(em, {
      caseId: d.caseId,
      rating: d.rating,
      level: d.level,
      comment: d.comment,
      actor: d.actor,
      at: d.followedUpAt,
    });
    if (stored === 'already') return;
    // The first rating travels before the follow-up; until it is here, fail so the event is retried.
    if (stored === 'not-rated') throw new Error(`follow-up rating for case ${d.caseId} arrived before its first rating`);
    await this.remediations.recordFollowUp(em, d.caseId, { rating: d.rating, at: d.followedUpAt });
    await this.audit.record(
      {
        actor: `city:${event.fromCity}`,
        action: 'case.replicated.follow-up-evaluated',
        resource: `case:${d.caseId}`,
        outcome: 'success',
        detail: { rating: d.rating },
      },
      em,
    );
  }
}
