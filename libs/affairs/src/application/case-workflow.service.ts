import {
  type CaseActor,
  CaseEvaluatedV1,
  CaseFollowUpEvaluatedV1,
  CaseWithdrawalRequestedV1,
  EVALUATION_LEVELS,
  type EvaluationLevel,
  type EventContract,
} from '@guangfo/contracts';
import { Clock } from '@guangfo/kernel';
import { OutboxService } from '@guangfo/messaging';
import { actorOf, AuditService, NODE_CONFIG, type NodeConfig, requireVersion, type UserPrincipal } from '@guangfo/platform';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { affairsError } from '../affairs.errors.js';
import { caseActorOf } from './case-actor.js';
import { AFFAIRS_DOMAIN, CaseLedger } from './case-ledger.service.js';
import { CaseQueryService } from './case-query.service.js';
import { CaseResult, parseIfMatch } from './case-result.js';
import { CaseRepository, type CaseRow } from '../infrastructure/case.repository.js';
import type { CaseDetailView, Viewer } from './case.views.js';
import { MaterialEvidenceService } from './material-evidence.service.js';
import { ApplicantIdSeal } from '../infrastructure/applicant-id.seal.js';
import { type CaseCommand, decide, extendTimeLimit, holderOf, isClerkStep, WITHDRAWABLE_STATES } from '../domain/case.aggregate.js';
import { RemediationService } from './remediation.service.js';
import { CaseDeadlines } from './case-deadlines.service.js';
import { supplementEvidence } from './case-filing.service.js';
import type { SupplementCommand } from './case.commands.js';

const DEFAULT_CLAIM_MINUTES = 30;
/** States after which the applicant can rate the service (好差评). */
export const EVALUABLE_STATES = ['completed', 'not-accepted', 'returned'] as const;

/**
 * The steps of a case: clerk actions (with If-Match = the case version, so two clerks cannot both
 * decide), the applicant's supplement, withdrawal and rating, and claims. Each runs in one
 * transaction: lock the case row, check, append the entry (and its event), audit.
 */
@Injectable()
export class CaseWorkflowService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly dataSource: DataSource,
    private readonly repo: CaseRepository,
    private readonly ledger: CaseLedger,
    private readonly queries: CaseQueryService,
    private readonly outbox: OutboxService,
    private readonly remediations: RemediationService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly evidence: MaterialEvidenceService,
    private readonly deadlines: CaseDeadlines,
    private readonly applicantIds: ApplicantIdSeal,
  ) {}

  /** The answer to the 补正 notice as sent: each response at most one material (file, fileId or credential) and/or text. */
  supplement(
    p: UserPrincipal,
    id: string,
    dto: SupplementCommand,
    o: { ifMatch?: string } = {},
  ): Promise<CaseResult<CaseDetailView | undefined>> {
    const responses = dto.responses.map((r) => {
      const evidence = supplementEvidence(r);
      if (evidence === null)
        throw affairsError('CASE_SUPPLEMENT_INVALID', { detail: `item ${r.itemId}: give at most one of file, fileId or credential` });
      return { itemId: r.itemId, ...(evidence ? { evidence } : {}), ...(r.text ? { text: r.text } : {}) };
    });
    const documents = Object.fromEntries(dto.responses.filter((r) => r.credential).map((r) => [r.itemId, r.credential!.document]));
    return this.act(p, id, { action: 'supplement', responses }, { ifMatch: o.ifMatch, documents });
  }

  /** A step of the state machine. Clerk steps need If-Match; the applicant's may send it. */
  async act(
    p: UserPrincipal,
    id: string,
    cmd: CaseCommand,
    o: { ifMatch?: string; note?: string; documents?: Record<string, unknown>; minimal?: boolean } = {},
  ): Promise<CaseResult<CaseDetailView | undefined>> {
    const clerkStep = isClerkStep(cmd.action);
    const result = await this.dataSource.transaction(async (em) => {
      const found = await this.locked(em, p, id);
      if (!found) return null;
      const { row, viewer } = found;
      this.checkVersion(row, o.ifMatch, clerkStep);
      if (p.role === 'clerk') this.checkClaim(row, p);
      const before = row.aggregate;
      if (cmd.action === 'supplement') {
        // Answers carry the same evidence as a filing: credentials verified, files resolved (and then granted).
        const submitted = cmd.responses.flatMap((r, i) =>
          r.evidence ? [{ field: `responses.${i}`, evidence: r.evidence, document: o.documents?.[r.itemId] }] : [],
        );
        await this.evidence.check(p, submitted, this.applicantIds.open(row.id, row.applicant_id_cipher));
      }
      const entry = decide(before, cmd, {
        actor: caseActorOf(p),
        authorCity: this.config.cityCode,
        at: this.clock.now().toISOString(),
        supplementNoticeDueOn: this.deadlines.supplementNoticeDueOn(row.filed_at),
      });
      // The step's audit record and the clerk's hall ride in the step's own statement (CaseLedger.append).
      await this.ledger.append(em, before, entry, {
        audit: {
          actor: actorOf(p),
          action: `case.${cmd.action}`,
          resource: `case:${id}`,
          outcome: 'success',
          detail: { seq: entry.seq, from: entry.fromState, to: entry.toState, reasonCode: entry.reasonCode },
        },
        ...(p.role === 'clerk' && p.hall ? { localHall: p.hall } : {}),
      });
      if (cmd.action === 'supplement')
        await this.evidence.grant(
          em,
          cmd.responses.map((r) => r.evidence),
          before.filing.participants,
          actorOf(p),
        );
      if (o.note && p.role === 'clerk')
        await this.repo.addNote(em, { caseId: id, seq: entry.seq, author: p.sub, hall: p.hall ?? null, text: o.note, at: entry.at });
      // `Prefer: return=minimal`: the new version is enough; the case is not read back.
      return o.minimal ? { view: undefined, version: entry.seq } : { view: await this.view(em, id, viewer), version: entry.seq };
    });
    if (!result) throw await this.queries.notFound(p, id, `case.${cmd.action}`);
    return new CaseResult('done', result.view, result.version);
  }

  /**
   * 撤回: at the applicant's own city. When this city holds the case it is withdrawn at once (200);
   * otherwise the request goes to the holder, which answers with case-withdrawn or
   * case-withdrawal-refused (202 now, the timeline shows the answer).
   */
  /** 行政许可法 art. 42: a supervisor of the administering city extends the time limit once, with reasons. */
  async extend(p: UserPrincipal, id: string, o: { ifMatch?: string; reason: string; note?: string }): Promise<CaseResult<CaseDetailView>> {
    const result = await this.dataSource.transaction(async (em) => {
      const found = await this.locked(em, p, id);
      if (!found) return null;
      const { row, viewer } = found;
      this.checkVersion(row, o.ifMatch, true);
      const entry = extendTimeLimit(row.aggregate, o.reason, {
        actor: caseActorOf(p),
        authorCity: this.config.cityCode,
        at: this.clock.now().toISOString(),
      });
      await this.ledger.append(em, row.aggregate, entry);
      if (o.note)
        await this.repo.addNote(em, { caseId: id, seq: entry.seq, author: p.sub, hall: p.hall ?? null, text: o.note, at: entry.at });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'case.extend',
          resource: `case:${id}`,
          outcome: 'success',
          detail: { seq: entry.seq, workingDays: entry.detail.workingDays },
        },
        em,
      );
      return this.view(em, id, viewer);
    });
    if (!result) throw await this.queries.notFound(p, id, 'case.extend');
    return new CaseResult('done', result, result.version);
  }

  async withdraw(p: UserPrincipal, id: string, o: { ifMatch?: string; reason?: string }): Promise<CaseResult<CaseDetailView | undefined>> {
    const holder = await this.dataSource.transaction(async (em) => (await this.repo.find(em, id))?.holder_city);
    if (holder === this.config.cityCode || holder === undefined)
      return this.act(p, id, { action: 'withdraw', ...(o.reason ? { reason: o.reason } : {}) }, o);
    const result = await this.dataSource.transaction(async (em) => {
      const found = await this.locked(em, p, id);
      if (!found) return null;
      const { row, viewer } = found;
      if (row.holder_city === this.config.cityCode) return 'local' as const; // the case came back meanwhile
      this.checkVersion(row, o.ifMatch, false);
      const c = row.aggregate;
      if (viewer.kind !== 'owner') throw affairsError('CASE_NOT_YOUR_DUTY', { detail: 'only the applicant withdraws an application' });
      if (!WITHDRAWABLE_STATES.includes(c.state)) {
        throw affairsError('CASE_ILLEGAL_TRANSITION', {
          detail: `cannot withdraw a case that is ${c.state}`,
          extra: { state: c.state, action: 'withdraw' },
        });
      }
      if ((await this.repo.requests(em, id, 'pending')).length)
        throw affairsError('CASE_WITHDRAWAL_PENDING', { detail: 'a withdrawal request is already on its way' });
      const requestId = randomUUID();
      const requestedAt = this.clock.now().toISOString();
      const actor = caseActorOf(p);
      const payload = { actor, requestedAt, knownVersion: c.version, ...(o.reason ? { reason: o.reason } : {}) };
      await this.repo.insertRequest(em, { id: requestId, caseId: id, originCity: this.config.cityCode, payload, createdAt: requestedAt });
      await this.outbox.add(em, {
        contract: CaseWithdrawalRequestedV1,
        domain: AFFAIRS_DOMAIN,
        subject: id,
        data: { caseId: id, requestId, ...payload },
        toCity: holderOf(c)!,
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'case.withdraw.requested',
          resource: `case:${id}`,
          outcome: 'success',
          detail: { requestId, holder: holderOf(c) },
        },
        em,
      );
      return this.view(em, id, viewer);
    });
    if (result === 'local') return this.act(p, id, { action: 'withdraw', ...(o.reason ? { reason: o.reason } : {}) }, o);
    if (!result) throw await this.queries.notFound(p, id, 'case.withdraw');
    return new CaseResult('accepted', result, result.version);
  }

  /** 好差评: the applicant rates the service once; 1–2 (差评) open a remediation in the responsible city (谁办理、谁负责). */
  async evaluate(p: UserPrincipal, id: string, dto: { rating: number; comment?: string }): Promise<CaseResult<CaseDetailView>> {
    return this.rate(p, id, dto, 'case.evaluate', async (em, row, r) => {
      const c = row.aggregate;
      if (!(EVALUABLE_STATES as readonly string[]).includes(c.state))
        throw affairsError('CASE_NOT_EVALUABLE', {
          detail: `a ${c.state} case cannot be rated yet (after: ${EVALUABLE_STATES.join(', ')})`,
        });
      if (!(await this.repo.insertEvaluation(em, { caseId: id, ...r })))
        throw affairsError('CASE_ALREADY_EVALUATED', { detail: 'the case was already rated' });
      if (r.rating <= 2) await this.remediations.open(em, row, r);
      const data = {
        caseId: id,
        rating: r.rating,
        level: r.level,
        evaluatedAt: r.at,
        actor: r.actor,
        ...(r.comment ? { comment: r.comment } : {}),
      };
      await this.toOtherCities(em, row, CaseEvaluatedV1, data);
    });
  }

  /**
   * 追评: the applicant adds one follow-up rating after the first (国办发〔2019〕51号 好差评), typically once
   * a 差评 was remediated; the responsible city records on its remediation task whether they are now satisfied.
   */
  async followUp(p: UserPrincipal, id: string, dto: { rating: number; comment?: string }): Promise<CaseResult<CaseDetailView>> {
    return this.rate(p, id, dto, 'case.evaluate.follow-up', async (em, row, r) => {
      const stored = await this.repo.addFollowUp(em, { caseId: id, ...r });
      if (stored === 'not-rated')
        throw affairsError('CASE_NOT_EVALUATED', {
          detail: 'a follow-up rating (追评) comes after the first rating: rate the service first',
        });
      if (stored === 'already')
        throw affairsError('CASE_ALREADY_FOLLOWED_UP', { detail: 'the case already has its follow-up rating (追评, once)' });
      await this.remediations.recordFollowUp(em, id, r);
      const data = {
        caseId: id,
        rating: r.rating,
        level: r.level,
        followedUpAt: r.at,
        actor: r.actor,
        ...(r.comment ? { comment: r.comment } : {}),
      };
      await this.toOtherCities(em, row, CaseFollowUpEvaluatedV1, data);
    });
  }

  /** A rating by the applicant (好差评, 追评): their own case, locked, in one transaction, audited. */
  private async rate(
    p: UserPrincipal,
    id: string,
    dto: { rating: number; comment?: string },
    action: string,
    store: (
      em: EntityManager,
      row: CaseRow,
      r: { rating: number; level: EvaluationLevel; comment?: string; actor: CaseActor; at: string },
    ) => Promise<void>,
  ): Promise<CaseResult<CaseDetailView>> {
    const result = await this.dataSource.transaction(async (em) => {
      const found = await this.locked(em, p, id);
      if (!found) return null;
      const { row, viewer } = found;
      if (viewer.kind !== 'owner') throw affairsError('CASE_NOT_YOUR_DUTY', { detail: 'only the applicant rates the service' });
      await store(em, row, {
        rating: dto.rating,
        level: EVALUATION_LEVELS[dto.rating - 1],
        ...(dto.comment ? { comment: dto.comment } : {}),
        actor: caseActorOf(p),
        at: this.clock.now().toISOString(),
      });
      await this.audit.record(
        { actor: actorOf(p), action, resource: `case:${id}`, outcome: 'success', detail: { rating: dto.rating } },
        em,
      );
      return this.view(em, id, viewer);
    });
    if (!result) throw await this.queries.notFound(p, id, action);
    return new CaseResult('done', result, result.version);
  }

  /** An event outside the timeline, to every other city that keeps the case. */
  private async toOtherCities<T>(em: EntityManager, row: CaseRow, contract: EventContract<T>, data: T): Promise<void> {
    for (const toCity of row.aggregate.filing.participants.filter((x) => x !== this.config.cityCode)) {
      await this.outbox.add(em, { contract, domain: AFFAIRS_DOMAIN, subject: row.id, data, toCity });
    }
  }

  /** A claim: a lock other clerks of this city see, with an expiry. Only on cases whose next step is here. */
  async claim(p: UserPrincipal, id: string, dto: { ttlMinutes?: number; release?: boolean }): Promise<CaseResult<CaseDetailView>> {
    const result = await this.dataSource.transaction(async (em) => {
      const found = await this.locked(em, p, id);
      if (!found) return null;
      const { row, viewer } = found;
      const now = this.clock.now();
      const active = row.claimed_by !== null && row.claim_expires_at !== null && row.claim_expires_at > now;
      if (dto.release) {
        if (active && row.claimed_by !== p.sub)
          throw affairsError('CASE_CLAIMED_BY_OTHER', {
            detail: `claimed by ${row.claimed_by} until ${row.claim_expires_at!.toISOString()}`,
            extra: { claimedBy: row.claimed_by },
          });
        await this.repo.claim(em, id, { clerk: p.sub, hall: p.hall ?? null, expiresAt: null });
      } else {
        if (row.holder_city !== this.config.cityCode)
          throw affairsError('CASE_NOT_HELD_HERE', {
            detail: `the next step is for city ${row.holder_city ?? '(none: the case is closed)'}`,
            extra: { holder: row.holder_city },
          });
        if (active && row.claimed_by !== p.sub) {
          throw affairsError('CASE_CLAIMED_BY_OTHER', {
            detail: `claimed by ${row.claimed_by} until ${row.claim_expires_at!.toISOString()}`,
            extra: { claimedBy: row.claimed_by, expiresAt: row.claim_expires_at!.toISOString() },
          });
        }
        const expiresAt = new Date(now.getTime() + (dto.ttlMinutes ?? DEFAULT_CLAIM_MINUTES) * 60_000).toISOString();
        await this.repo.claim(em, id, { clerk: p.sub, hall: p.hall ?? null, expiresAt });
      }
      await this.audit.record(
        {
          actor: actorOf(p),
          action: dto.release ? 'case.release' : 'case.claim',
          resource: `case:${id}`,
          outcome: 'success',
          detail: { ttlMinutes: dto.ttlMinutes ?? DEFAULT_CLAIM_MINUTES },
        },
        em,
      );
      return this.view(em, id, viewer);
    });
    if (!result) throw await this.queries.notFound(p, id, 'case.claim');
    return new CaseResult('done', result, result.version);
  }

  private async locked(em: EntityManager, p: UserPrincipal, id: string): Promise<{ row: CaseRow; viewer: Viewer } | null> {
    const row = await this.repo.find(em, id, true);
    const viewer = row && (await this.queries.access(p, em))(row);
    return row && viewer ? { row, viewer } : null;
  }

  /** If-Match carries the case version the clerk saw (the platform's one rule); the applicant's steps may leave it out. */
  private checkVersion(row: CaseRow, ifMatch: string | undefined, required: boolean): void {
    if (!required && parseIfMatch(ifMatch) === undefined) return;
    requireVersion(row.version, ifMatch, 'case');
  }

  private checkClaim(row: CaseRow, p: UserPrincipal): void {
    const now = this.clock.now();
    if (row.claimed_by && row.claimed_by !== p.sub && row.claim_expires_at && row.claim_expires_at > now) {
      throw affairsError('CASE_CLAIMED_BY_OTHER', {
        detail: `claimed by ${row.claimed_by} until ${row.claim_expires_at.toISOString()}`,
        extra: { claimedBy: row.claimed_by, expiresAt: row.claim_expires_at.toISOString() },
      });
    }
  }

  private async view(em: EntityManager, id: string, viewer: Viewer): Promise<CaseDetailView> {
    return this.queries.detail(em, (await this.repo.find(em, id))!, viewer);
  }
}
