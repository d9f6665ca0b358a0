import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogueService } from '@guangfo/catalogue';
import { toShanghaiDate } from '@guangfo/kernel';
import { actorOf, AuditService, NODE_CONFIG, type NodeConfig, type Principal, queryRow } from '@guangfo/platform';
import { affairsError } from '../affairs.errors.js';
import type { CaseRow } from '../infrastructure/case.repository.js';
import { CaseDeadlines } from './case-deadlines.service.js';
import { responsibleCityOf } from '../domain/case.aggregate.js';

export interface RemediationView {
  id: string;
  caseId: string;
  itemCode: string;
  rating: number;
  level: string;
  comment: string | null;
  openedAt: string;
  /** The city's 差评整改 period (catalogue `evaluation.yaml`) after the rating; null past the calendar's coverage. */
  dueDate: string | null;
  /** True when the due date was counted across a year without a State Council notice (recounted once it is loaded). */
  provisional: boolean;
  overdue: boolean;
  status: 'open' | 'closed';
  closedAt: string | null;
  closedBy: string | null;
  resolution: string | null;
  /** 追评: the applicant's follow-up on this case, and whether they are now satisfied (rating 3 or more). */
  followUp: { rating: number; satisfied: boolean; afterResolution: boolean; at: string } | null;
}

/** 好差评: 3 (基本满意) and above is not a 差评, so a follow-up of 3+ means the applicant is now satisfied. */
export const SATISFIED_FROM_RATING = 3;

interface Row {
  id: string;
  case_id: string;
  item_code: string;
  rating: number;
  level: string;
  comment: string | null;
  opened_at: Date;
  due_date: string | null;
  status: 'open' | 'closed';
  closed_at: Date | null;
  closed_by: string | null;
  resolution: string | null;
  follow_up_rating: number | null;
  follow_up_satisfied: boolean | null;
  follow_up_after_resolution: boolean | null;
  followed_up_at: Date | null;
}

const COLUMNS = `id, case_id, item_code, rating, level, comment, opened_at, to_char(due_date, 'YYYY-MM-DD') AS due_date, status, closed_at, closed_by, resolution,
  follow_up_rating, follow_up_satisfied, follow_up_after_resolution, followed_up_at`;

/**
 * 差评整改: a rating of 1 or 2 opens a task for the supervisors of the responsible city, due after that city's
 * remediation period, which is catalogue data with its source (seeds/catalogue/<version>/evaluation.yaml).
 */
@Injectable()
export class RemediationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deadlines: CaseDeadlines,
    private readonly audit: AuditService,
    private readonly catalogue: CatalogueService,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  /** Opens the task only in the city responsible for what was rated (谁办理、谁负责). */
  async open(
    em: EntityManager,
    row: Pick<CaseRow, 'id' | 'item_code' | 'aggregate'>,
    e: { rating: number; level: string; comment?: string; at: string },
  ): Promise<void> {
    if (responsibleCityOf(row.aggregate) !== this.config.cityCode) return;
    const due = this.dueDateFrom(e.at);
    const id = randomUUID();
    const inserted = (await em.query(
      `INSERT INTO affairs.remediation (id, case_id, item_code, rating, level, comment, opened_at, due_date, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open')
       ON CONFLICT (case_id) DO NOTHING RETURNING id`,
      [id, row.id, row.item_code, e.rating, e.level, e.comment ?? null, e.at, due],
    )) as unknown[];
    if (inserted.length) {
      const { workingDays, source } = this.rule();
      await this.audit.record(
        {
          actor: 'system',
          action: 'remediation.open',
          resource: `remediation:${id}`,
          outcome: 'success',
          detail: { caseId: row.id, rating: e.rating, dueDate: due, workingDays, basis: source.number ?? source.document },
        },
        em,
      );
    }
  }

  /**
   * 追评 after a 差评: records on this city's task (if it remediates the case) the follow-up rating,
   * whether the applicant is now satisfied, and whether the task had been closed by then.
   */
  async recordFollowUp(em: EntityManager, caseId: string, e: { rating: number; at: string }): Promise<void> {
    const [rows] = (await em.query(
      `UPDATE affairs.remediation SET follow_up_rating = $2, follow_up_satisfied = $3, follow_up_after_resolution = (status = 'closed'), followed_up_at = $4
        WHERE case_id = $1 AND followed_up_at IS NULL RETURNING id, follow_up_after_resolution`,
      [caseId, e.rating, e.rating >= SATISFIED_FROM_RATING, e.at],
    )) as [{ id: string; follow_up_after_resolution: boolean }[], number];
    for (const r of rows) {
      await this.audit.record(
        {
          actor: 'system',
          action: 'remediation.follow-up',
          resource: `remediation:${r.id}`,
          outcome: 'success',
          detail: { caseId, rating: e.rating, satisfied: e.rating >= SATISFIED_FROM_RATING, afterResolution: r.follow_up_after_resolution },
        },
        em,
      );
    }
  }

  /** Recounts the due date of every open remediation on the current calendar; returns how many moved. */
  async recomputeDueDates(): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const rows = (await em.query(
        `SELECT id, opened_at, to_char(due_date, 'YYYY-MM-DD') AS due_date FROM affairs.remediation WHERE status = 'open' FOR UPDATE`,
      )) as Pick<Row, 'id' | 'opened_at' | 'due_date'>[];
      let moved = 0;
      for (const r of rows) {
        const due = this.dueDateFrom(r.opened_at.toISOString());
        if (due === r.due_date) continue;
        await em.query(`UPDATE affairs.remediation SET due_date = $2 WHERE id = $1`, [r.id, due]);
        await this.audit.record(
          {
            actor: 'system',
            action: 'remediation.due-date-recomputed',
            resource: `remediation:${r.id}`,
            outcome: 'success',
            detail: { previousDueDate: r.due_date, dueDate: due },
          },
          em,
        );
        moved += 1;
      }
      return moved;
    });
  }

  /** This city's remediation period and its source, from the current catalogue. */
  rule() {
    return this.catalogue.remediationRule(this.config.cityCode);
  }

  private dueDateFrom(openedAt: string): string | null {
    try {
      return this.deadlines.calendar.addWorkingDays(toShanghaiDate(openedAt), this.rule().workingDays);
    } catch {
      return null;
    }
  }

  async list(p: Principal, q: { status?: 'open' | 'closed'; limit?: number }): Promise<{ items: RemediationView[] }> {
    return this.dataSource.transaction(async (em) => {
      const rows = (await em.query(
        `SELECT ${COLUMNS}
           FROM affairs.remediation WHERE ($1::text IS NULL OR status = $1) ORDER BY status, due_date NULLS LAST, id LIMIT $2`,
        [q.status ?? null, q.limit ?? 50],
      )) as Row[];
      await this.audit.record(
        { actor: actorOf(p), action: 'remediation.list', resource: 'remediation:*', outcome: 'success', detail: { count: rows.length } },
        em,
      );
      return { items: rows.map((r) => this.view(r)) };
    });
  }

  async resolve(p: Principal, id: string, resolution: string): Promise<RemediationView> {
    return this.dataSource.transaction(async (em) => {
      const [row] = (await em.query(`SELECT status FROM affairs.remediation WHERE id = $1 FOR UPDATE`, [id])) as { status: string }[];
      if (!row) throw affairsError('REMEDIATION_NOT_FOUND', { detail: `no remediation ${id}` });
      if (row.status === 'closed') throw affairsError('REMEDIATION_ALREADY_CLOSED', { detail: `remediation ${id} is closed` });
      const updated = await queryRow<Row>(
        em,
        `UPDATE affairs.remediation SET status = 'closed', closed_at = $2, closed_by = $3, resolution = $4 WHERE id = $1
         RETURNING ${COLUMNS}`,
        [id, this.deadlines.clock.now().toISOString(), actorOf(p), resolution],
      );
      await this.audit.record({ actor: actorOf(p), action: 'remediation.resolve', resource: `remediation:${id}`, outcome: 'success' }, em);
      return this.view(updated!);
    });
  }

  private view(r: Row): RemediationView {
    return {
      id: r.id,
      caseId: r.case_id,
      itemCode: r.item_code,
      rating: r.rating,
      level: r.level,
      comment: r.comment,
      openedAt: r.opened_at.toISOString(),
      dueDate: r.due_date,
      provisional: r.due_date !== null && this.deadlines.calendar.provisionalYears(r.opened_at, r.due_date).length > 0,
      overdue: r.status === 'open' && r.due_date !== null && this.deadlines.today() > r.due_date,
      status: r.status,
      closedAt: r.closed_at?.toISOString() ?? null,
      closedBy: r.closed_by,
      resolution: r.resolution,
      followUp:
        r.follow_up_rating !== null && r.followed_up_at !== null
          ? {
              rating: r.follow_up_rating,
              satisfied: r.follow_up_satisfied ?? r.follow_up_rating >= SATISFIED_FROM_RATING,
              afterResolution: r.follow_up_after_resolution ?? false,
              at: r.followed_up_at.toISOString(),
            }
          : null,
    };
  }
}
