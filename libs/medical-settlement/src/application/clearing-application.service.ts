import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, cursorField, cursorShape, decodeCursor, encodeCursor, toShanghaiDate } from '@guangfo/kernel';
import { actorOf, AuditService, type PartnerPrincipal, type Principal } from '@guangfo/platform';
import {
  type ApplicationTotals,
  applicationTotals,
  type ClearingApplicationState,
  declaredMismatches,
  periodProblem,
  reversalProblem,
  totalsByInsuredCity,
  unreconciledDays,
} from '../domain/clearing-application.js';
import type { DayTotals } from '../domain/reconciliation.js';
import { medicalError } from '../medical.errors.js';
import { type ClearingApplicationRow, ClearingApplicationRepository } from '../infrastructure/clearing-application.repository.js';
import { SettlementService } from './settlement.service.js';

export interface ClearingApplicationView {
  id: string;
  hospitalCode: string;
  beginOn: string;
  endOn: string;
  state: ClearingApplicationState;
  totals: ApplicationTotals;
  byInsuredCity: Record<string, ApplicationTotals>;
  msgid: string;
  appliedAt: string;
  processedAt: string | null;
  reversedAt: string | null;
  reversalMsgid: string | null;
}

export interface ApplyCommand {
  beginOn: string;
  endOn: string;
  msgid: string;
  /** The hospital's own sums (optional): when given they must equal the agency's. */
  declared?: Partial<DayTotals>;
}

type ApplicationCursor = {
  b: string;
  i: string;
};
const isApplicationCursor = cursorShape<ApplicationCursor>({ b: cursorField.date, i: cursorField.uuid });

const view = (r: ClearingApplicationRow): ClearingApplicationView => {
  const totals: DayTotals = {
    count: r.entry_count,
    medfeeFen: Number(r.medfee_fen),
    fundFen: Number(r.fund_fen),
    acctFen: Number(r.acct_fen),
    cashFen: Number(r.cash_fen),
  };
  return {
    id: r.id,
    hospitalCode: r.hospital_code,
    beginOn: r.begin_on,
    endOn: r.end_on,
    state: r.state,
    totals: { ...totals, claimFen: totals.fundFen + totals.acctFen },
    byInsuredCity: r.by_insured_city,
    msgid: r.msgid,
    appliedAt: new Date(r.applied_at).toISOString(),
    processedAt: r.processed_at ? new Date(r.processed_at).toISOString() : null,
    reversedAt: r.reversed_at ? new Date(r.reversed_at).toISOString() : null,
    reversalMsgid: r.reversal_msgid,
  };
};

/**
 * 3203 清算申请 and 3204 清算申请撤销 at the treating city's node: a designated hospital applies to its own agency for the
 * clearing of a closed period's settlements, each day of it reconciled (3201 / 3202) as the agency's records stand now; the
 * sums are the agency's (domain/clearing-application.ts). Idempotent on msgid per hospital. The agency (clerk, or its system
 * with scope medical:clearing) processes an application; until then the hospital may reverse it. Hospital ↔ its own agency
 * only: the inter-city clearing is the monthly statement (ClearingService).
 */
@Injectable()
export class ClearingApplicationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settlements: SettlementService,
    private readonly repo: ClearingApplicationRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** 3203: 201 for a new application, 200 (replayed) for the same msgid and period again. */
  async apply(p: PartnerPrincipal, cmd: ApplyCommand): Promise<{ view: ClearingApplicationView; replayed: boolean }> {
    const h = await this.settlements.hospital(p);
    this.settlements.checkMsgid(h, cmd.msgid);
    const today = toShanghaiDate(this.clock.now());
    return this.dataSource.transaction(async (em) => {
      await this.repo.lockHospital(em, h.hospital_code);
      const earlier = await this.repo.byMsgid(em, h.hospital_code, cmd.msgid);
      if (earlier) {
        if (earlier.msgid !== cmd.msgid || earlier.begin_on !== cmd.beginOn || earlier.end_on !== cmd.endOn)
          throw medicalError('MEDICAL_MSGID_REUSED', { detail: `msgid ${cmd.msgid} was used for clearing application ${earlier.id}` });
        return { view: view(earlier), replayed: true };
      }
      const problem = periodProblem(cmd.beginOn, cmd.endOn, today);
      if (problem) throw medicalError('MEDICAL_CLEARING_PERIOD_INVALID', { detail: problem });
      const overlap = await this.repo.overlapping(em, h.hospital_code, cmd.beginOn, cmd.endOn);
      if (overlap)
        throw medicalError('MEDICAL_CLEARING_PERIOD_OVERLAPS', {
          detail: `application ${overlap.id} (${overlap.state}) covers ${overlap.begin_on} to ${overlap.end_on}; reverse it first (3204)`,
          extra: { applicationId: overlap.id },
        });
      const entries = await this.repo.entries(em, h.hospital_code, cmd.beginOn, cmd.endOn);
      const days = unreconciledDays(entries, await this.repo.latestReconciliations(em, h.hospital_code, cmd.beginOn, cmd.endOn));
      if (days.length)
        throw medicalError('MEDICAL_CLEARING_NOT_RECONCILED', {
          detail: `reconcile these days (3201 / 3202) until they match: ${days.map((d) => `${d.day} ${d.reason}`).join(', ')}`,
          extra: { days },
        });
      if (!entries.length)
        throw medicalError('MEDICAL_CLEARING_NOTHING_TO_CLEAR', {
          detail: `no settlement or reversal from ${cmd.beginOn} to ${cmd.endOn}`,
        });
      const totals = applicationTotals(entries);
      const mismatches = declaredMismatches(cmd.declared, totals);
      if (mismatches.length)
        throw medicalError('MEDICAL_CLEARING_AMOUNT_MISMATCH', {
          detail: mismatches.map((m) => `${m.field}: hospital ${m.hospital}, agency ${m.agency}`).join('; '),
          extra: { mismatches },
        });
      const id = randomUUID();
      await this.repo.insert(em, {
        id,
        hospitalCode: h.hospital_code,
        beginOn: cmd.beginOn,
        endOn: cmd.endOn,
        totals,
        byInsuredCity: totalsByInsuredCity(entries),
        msgid: cmd.msgid,
        at: this.clock.now(),
        by: actorOf(p),
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.clearing-application.apply',
          resource: `medical-clearing-application:${id}`,
          outcome: 'success',
          detail: { infno: '3203', msgid: cmd.msgid, beginOn: cmd.beginOn, endOn: cmd.endOn, claimFen: totals.claimFen },
        },
        em,
      );
      return { view: view((await this.repo.get(em, id))!), replayed: false };
    });
  }

  /** 3204: reverses an application the agency has not processed; the same msgid again answers the same reversal. */
  async reverse(p: PartnerPrincipal, id: string, msgid: string): Promise<{ view: ClearingApplicationView; replayed: boolean }> {
    const h = await this.settlements.hospital(p);
    this.settlements.checkMsgid(h, msgid);
    return this.dataSource.transaction(async (em) => {
      await this.repo.lockHospital(em, h.hospital_code);
      const a = await this.repo.get(em, id, true);
      if (!a || a.hospital_code !== h.hospital_code)
        throw medicalError('MEDICAL_CLEARING_APPLICATION_NOT_FOUND', { detail: `no clearing application ${id} of this hospital` });
      if (a.state === 'reversed' && a.reversal_msgid === msgid) return { view: view(a), replayed: true };
      const used = await this.repo.byMsgid(em, h.hospital_code, msgid);
      if (used) throw medicalError('MEDICAL_MSGID_REUSED', { detail: `msgid ${msgid} was used for clearing application ${used.id}` });
      const problem = reversalProblem(a.state);
      if (problem)
        throw medicalError(problem, {
          detail: a.state === 'processed' ? `processed at ${new Date(a.processed_at!).toISOString()}` : `reversed by ${a.reversal_msgid}`,
        });
      await this.repo.markReversed(em, a.id, msgid, this.clock.now());
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.clearing-application.reverse',
          resource: `medical-clearing-application:${a.id}`,
          outcome: 'success',
          detail: { infno: '3204', msgid },
        },
        em,
      );
      return { view: view((await this.repo.get(em, a.id))!), replayed: false };
    });
  }

  /** The agency takes the application into its clearing: from then on it cannot be reversed. Idempotent. */
  async process(p: Principal, id: string): Promise<ClearingApplicationView> {
    return this.dataSource.transaction(async (em) => {
      const a = await this.repo.get(em, id, true);
      if (!a) throw medicalError('MEDICAL_CLEARING_APPLICATION_NOT_FOUND', { detail: `no clearing application ${id}` });
      if (a.state === 'processed') return view(a);
      if (a.state === 'reversed')
        throw medicalError('MEDICAL_CLEARING_APPLICATION_REVERSED', { detail: `the hospital reversed it (${a.reversal_msgid})` });
      await this.repo.markProcessed(em, a.id, actorOf(p), this.clock.now());
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.clearing-application.process',
          resource: `medical-clearing-application:${a.id}`,
          outcome: 'success',
          detail: { hospital: a.hospital_code, beginOn: a.begin_on, endOn: a.end_on },
        },
        em,
      );
      return view((await this.repo.get(em, a.id))!);
    });
  }

  /** One application: a hospital reads only its own; the agency's staff read any. */
  async get(p: Principal, id: string): Promise<ClearingApplicationView> {
    const own = p.kind === 'partner' && p.scopes.includes('medical:settle') ? (await this.settlements.hospital(p)).hospital_code : null;
    const a = await this.repo.get(this.dataSource, id);
    if (!a || (own !== null && a.hospital_code !== own))
      throw medicalError('MEDICAL_CLEARING_APPLICATION_NOT_FOUND', {
        detail: `no clearing application ${id}${own ? ' of this hospital' : ''}`,
      });
    return view(a);
  }

  /** The agency's list: oldest period first, cursor-paged, optionally of one state (e.g. `applied`: the ones to process). */
  async list(q: {
    state?: ClearingApplicationState;
    cursor?: string;
    limit?: number;
  }): Promise<{ items: ClearingApplicationView[]; nextCursor: string | null }> {
    const limit = q.limit ?? 20;
    let after: ApplicationCursor | undefined;
    if (q.cursor) {
      after = decodeCursor(q.cursor, isApplicationCursor);
      if (!after) throw medicalError('MEDICAL_INVALID_CURSOR', { detail: 'cursor is not one this API returned' });
    }
    const rows = await this.repo.list(this.dataSource, { state: q.state, after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(view),
      nextCursor: rows.length > limit && last ? encodeCursor({ b: last.begin_on, i: last.id } satisfies ApplicationCursor) : null,
    };
  }
}
