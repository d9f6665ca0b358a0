import { Inject, Injectable } from '@nestjs/common';
import { CASE_STATES, type CaseState } from '@guangfo/contracts';
import { cursorField, cursorShape, decodeCursor, encodeCursor } from '@guangfo/kernel';
import { actorOf, AuditService, NODE_CONFIG, type NodeConfig, PartnerGrants, type Principal } from '@guangfo/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { affairsError } from '../affairs.errors.js';
import { CaseResult } from './case-result.js';
import { type CaseDetailParts, CaseRepository, type CaseRow } from '../infrastructure/case.repository.js';
import { type CaseDetailView, type CaseSummaryView, detailView, summaryView, type Viewer, viewerFor } from './case.views.js';

/** Decides, row by row, what one principal sees (see viewerFor). */
export type CaseAccess = (row: CaseRow) => Viewer | null;
import { CaseDeadlines, NEAR_DUE_WORKING_DAYS } from './case-deadlines.service.js';
import { PAUSED_STATES } from '../domain/case.aggregate.js';
import { ApplicantIdSeal } from '../infrastructure/applicant-id.seal.js';
import type { CaseQuery } from './case.commands.js';

export interface CasePage {
  items: CaseSummaryView[];
  nextCursor: string | null;
}

/** Page cursor: due date (`9999-12-31` for none) and case id of the last row. */
type CaseCursor = {
  d: string;
  i: string;
};
const isCaseCursor = cursorShape<CaseCursor>({ d: cursorField.date, i: cursorField.uuid });
const pageCursor = (due: string | null, id: string): string => encodeCursor({ d: due ?? '9999-12-31', i: id } satisfies CaseCursor);
const readCursor = (raw: string): CaseCursor => {
  const c = decodeCursor(raw, isCaseCursor);
  if (!c) throw affairsError('CASE_INVALID_CURSOR', { detail: 'cursor is not one this API returned' });
  return { d: c.d, i: c.i };
};

/**
 * Reads of cases: the clerk's queue (by deadline), a resident's own cases, one case with its
 * timeline. Object-level access: a resident sees only their own cases (others answer 404, as if
 * they did not exist); staff see the cases of their city; partners need `cases:read` and see
 * names and ID numbers masked. Every read is audited in the transaction that reads.
 */
@Injectable()
export class CaseQueryService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly dataSource: DataSource,
    private readonly repo: CaseRepository,
    private readonly deadlines: CaseDeadlines,
    private readonly audit: AuditService,
    private readonly applicantIds: ApplicantIdSeal,
    private readonly grants: PartnerGrants,
  ) {}

  /** Object-level access for one principal (partner grants looked up once). */
  async access(p: Principal, em?: EntityManager): Promise<CaseAccess> {
    const partnerItems = p.kind === 'partner' ? await this.grants.caseItems(p, em) : undefined;
    return (row) =>
      viewerFor(p, row, {
        applicantIdNumber: () => this.applicantIds.open(row.id, row.applicant_id_cipher),
        ...(partnerItems ? { partnerItems } : {}),
      });
  }

  async get(p: Principal, id: string): Promise<CaseResult<CaseDetailView>> {
    const view = await this.dataSource.transaction(async (em) => {
      const row = await this.repo.find(em, id);
      const viewer = row && (await this.access(p, em))(row);
      if (!row || !viewer) return null;
      const v = await this.detail(em, row, viewer);
      await this.audit.record(
        { actor: actorOf(p), action: 'case.read', resource: `case:${id}`, outcome: 'success', detail: { version: v.version } },
        em,
      );
      return v;
    });
    if (!view) throw await this.notFound(p, id, 'case.read');
    return new CaseResult('done', view, view.version);
  }

  /** 404 for a case that does not exist or that the caller may not see (audited as denied). */
  async notFound(p: Principal, id: string, action: string): Promise<Error> {
    await this.audit.record({
      actor: actorOf(p),
      action,
      resource: `case:${id}`,
      outcome: 'denied',
      detail: { reason: 'not found or not visible' },
    });
    return affairsError('CASE_NOT_FOUND', { detail: `no case ${id}` });
  }

  async detail(em: EntityManager, row: CaseRow, viewer: Viewer): Promise<CaseDetailView> {
    return this.detailOf(row, await this.repo.detailParts(em, row.id, viewer.kind === 'staff'), viewer);
  }

  /**
   * The detail view of a case row and its parts, read or just written (a filing answers from what it wrote). `idNumber`,
   * when the caller has it in clear, spares opening the stored cipher for the owner's view.
   */
  detailOf(row: CaseRow, parts: CaseDetailParts, viewer: Viewer, idNumber?: string): CaseDetailView {
    const now = this.deadlines.clock.now();
    const points = parts.timeline.map((e) => ({ kind: e.kind, at: e.entry.at }));
    return detailView(
      {
        row,
        city: this.config.cityCode,
        viewer,
        deadline: this.deadlines.of(row.aggregate, points, now),
        now,
        ...(viewer.kind === 'owner' ? { idNumber: idNumber ?? this.applicantIds.open(row.id, row.applicant_id_cipher) } : {}),
      },
      parts,
    );
  }

  async list(p: Principal, q: CaseQuery): Promise<CasePage> {
    const limit = q.limit ?? 20;
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (p.kind === 'user' && p.role === 'resident') add((n) => `applicant_sub = ${n}`, p.sub);
    const access = await this.access(p);
    if (p.kind === 'partner') add((n) => `item_code = ANY(${n}::text[])`, [...(await this.grants.caseItems(p))]);
    if (q.state) {
      const states = q.state.split(',');
      const unknown = states.filter((s) => !CASE_STATES.includes(s as CaseState));
      if (unknown.length)
        throw affairsError('CASE_INVALID_QUERY', { detail: `unknown state ${unknown.join(', ')} (states: ${CASE_STATES.join(', ')})` });
      add((n) => `state = ANY(${n}::text[])`, states);
    }
    if (q.item) add((n) => `item_code = ${n}`, q.item.toUpperCase());
    if (q.held !== undefined) add((n) => (q.held ? `holder_city = ${n}` : `holder_city IS DISTINCT FROM ${n}`), this.config.cityCode);
    if (q.hall) add((n) => `(local_hall = ${n} OR local_hall IS NULL)`, q.hall);
    if (q.due) {
      const today = this.deadlines.today();
      if (q.due === 'overdue' || q.due === 'near') add((n) => `NOT (state = ANY(${n}::text[]))`, PAUSED_STATES);
      if (q.due === 'provisional') {
        // Counted across a year without a State Council notice: some year from filing to the due date is not official.
        add(
          (n) =>
            `due_date IS NOT NULL AND EXISTS (SELECT 1 FROM generate_series(EXTRACT(YEAR FROM filed_at AT TIME ZONE 'Asia/Shanghai')::int, EXTRACT(YEAR FROM due_date)::int) AS y WHERE NOT (y = ANY(${n}::int[])))`,
          [...this.deadlines.calendar.coveredYears()],
        );
      } else if (q.due === 'overdue') add((n) => `due_date < ${n}::date`, today);
      else if (q.due === 'near') {
        add((n) => `due_date >= ${n}::date`, today);
        add((n) => `due_date <= ${n}::date`, this.deadlines.workingDaysFromToday(NEAR_DUE_WORKING_DAYS) ?? '9999-12-30');
      } else add((n) => `due_date <= ${n}::date`, q.due);
    }
    if (q.cursor) {
      const c = readCursor(q.cursor);
      params.push(c.d, c.i);
      where.push(`(COALESCE(due_date, DATE '9999-12-31'), id) > ($${params.length - 1}::date, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    return this.dataSource.transaction(async (em) => {
      const rows = (await em.query(
        `SELECT id, item_code, state, version, holder_city, applicant_sub, applicant_name, applicant_id_masked, applicant_id_cipher, aggregate,
                to_char(due_date, 'YYYY-MM-DD') AS due_date, filed_at, updated_at, local_hall, claimed_by, claimed_hall, claim_expires_at
           FROM affairs.case ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY COALESCE(due_date, DATE '9999-12-31'), id LIMIT $${params.length}`,
        params,
      )) as CaseRow[];
      const page = rows.slice(0, limit);
      const points = await this.repo.points(
        em,
        page.map((r) => r.id),
      );
      const now = this.deadlines.clock.now();
      const items = page.flatMap((row) => {
        const viewer = access(row);
        if (!viewer) return [];
        const deadline = this.deadlines.of(row.aggregate, points.get(row.id) ?? [], now);
        return [
          summaryView({
            row,
            city: this.config.cityCode,
            viewer,
            deadline,
            now,
            ...(viewer.kind === 'owner' ? { idNumber: this.applicantIds.open(row.id, row.applicant_id_cipher) } : {}),
          }),
        ];
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'case.list',
          resource: 'case:*',
          outcome: 'success',
          detail: { count: items.length, cases: items.map((i) => i.id) },
        },
        em,
      );
      const last = page[page.length - 1];
      return { items, nextCursor: rows.length > limit && last ? pageCursor(last.due_date, last.id) : null };
    });
  }
}
