import { Injectable } from '@nestjs/common';
import { queryRow, queryRows, type SqlRunner } from '@guangfo/platform';
import type { MedicalStatementIssued } from '@guangfo/contracts';
import type { ClearingClaim, ContestReason, StatementItem, StatementTotals } from '../domain/clearing.js';
import type { DayEntry } from '../domain/reconciliation.js';
import type { StagedChunk, StatementLine } from '../domain/statement-chunks.js';

export interface StatementRow {
  id: string;
  treating_city: string;
  insured_city: string;
  period: string;
  role: 'treating' | 'insured';
  advance_fen: string;
  proof: { ok: boolean; problems: string[] } | null;
  totals: StatementTotals | null;
  confirmed_at: Date | null;
  version: number;
}
/** One row of a statement list: the statement and its counts of items and open contests. */
export interface StatementListRow extends StatementRow {
  item_count: number;
  open_contests: number;
  contests: number;
}
/** A statement arriving in pieces at the insured city (staging). */
export interface InboundRow {
  statement_id: string;
  treating_city: string;
  /** The header's data once it has arrived. */
  header: MedicalStatementIssued | null;
  /** What staging found wrong (part of the proof when the statement is assembled). */
  problems: string[];
  completed_at: Date | null;
}
/** A statement still arriving at the insured city, with how many chunks are here and when the last piece came. */
export interface ArrivingRow {
  id: string;
  k: string;
  treating_city: string;
  header: MedicalStatementIssued | null;
  problems: number;
  first_at: Date;
  chunks: number;
  last_at: Date;
}
interface ItemRow {
  settlement_id: string;
  kind: 'claim' | 'reversal';
  fund_fen: string;
  account_fen: string;
  total_fen: string;
  contest_reason: ContestReason | null;
  contest_note: string | null;
  answer_outcome: 'upheld' | 'withdrawn' | null;
  answer_note: string | null;
}

const CLAIM = (table: string) =>
  `SELECT settlement_id_col AS "settlementId", to_char(settled_on, 'YYYY-MM-DD') AS "settledOn", to_char(reversed_on, 'YYYY-MM-DD') AS "reversedOn",
          fund_fen::float8 AS "fundFen", acct_fen::float8 AS "accountFen", total_fen::float8 AS "totalFen" FROM ${table}`;

/** Clearing statements and daily reconciliation records of schema `medical`. */
@Injectable()
export class ClearingRepository {
  /** The treating city's claims on an insured city touching a period (settled or reversed in it). */
  treatingClaims(db: SqlRunner, insuredCity: string, from: string, to: string): Promise<ClearingClaim[]> {
    return queryRows<ClearingClaim>(
      db,
      `${CLAIM('medical.settlement').replace('settlement_id_col', 'id')} WHERE insured_city = $1
       AND ((settled_on >= $2 AND settled_on < $3) OR (reversed_on >= $2 AND reversed_on < $3))`,
      [insuredCity, from, to],
    );
  }
  /** The insured city's copies of a treating city's claims touching a period. */
  insuredClaims(db: SqlRunner, treatingCity: string, from: string, to: string): Promise<ClearingClaim[]> {
    return queryRows<ClearingClaim>(
      db,
      `${CLAIM('medical.settlement_copy').replace('settlement_id_col', 'settlement_id')} WHERE treating_city = $1
       AND ((settled_on >= $2 AND settled_on < $3) OR (reversed_on >= $2 AND reversed_on < $3))`,
      [treatingCity, from, to],
    );
  }
  async insertStatement(
    db: SqlRunner,
    s: Omit<StatementRow, 'confirmed_at' | 'advance_fen' | 'version'> & { advance_fen: number },
    items: readonly StatementLine[],
  ): Promise<boolean> {
    const r = await queryRows(
      db,
      `INSERT INTO medical.statement (id, treating_city, insured_city, period, role, advance_fen, proof, totals) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        s.id,
        s.treating_city,
        s.insured_city,
        s.period,
        s.role,
        s.advance_fen,
        s.proof ? JSON.stringify(s.proof) : null,
        s.totals ? JSON.stringify(s.totals) : null,
      ],
    );
    if (!r.length) return false;
    // One INSERT per 5000 items (unnest of arrays).
    for (let i = 0; i < items.length; i += 5_000) {
      const chunk = items.slice(i, i + 5_000);
      await db.query(
        `INSERT INTO medical.statement_item (statement_id, settlement_id, kind, fund_fen, account_fen, total_fen)
         SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[])`,
        [
          s.id,
          chunk.map((x) => x.settlementId),
          chunk.map((x) => x.kind),
          chunk.map((x) => x.fundFen),
          chunk.map((x) => x.accountFen),
          chunk.map((x) => x.totalFen),
        ],
      );
    }
    return true;
  }
  statement(db: SqlRunner, id: string, lock = false): Promise<StatementRow | undefined> {
    return queryRow<StatementRow>(db, `SELECT * FROM medical.statement WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  }
  async items(db: SqlRunner, id: string): Promise<StatementItem[]> {
    const rows = await queryRows<ItemRow>(db, `SELECT * FROM medical.statement_item WHERE statement_id = $1 ORDER BY settlement_id, kind`, [
      id,
    ]);
    return rows.map((r) => ({
      settlementId: r.settlement_id,
      kind: r.kind,
      fundFen: Number(r.fund_fen),
      accountFen: Number(r.account_fen),
      totalFen: Number(r.total_fen),
      contest: r.contest_reason
        ? {
            reason: r.contest_reason,
            note: r.contest_note ?? '',
            answer: r.answer_outcome ? { outcome: r.answer_outcome, note: r.answer_note ?? '' } : null,
          }
        : null,
    }));
  }
  async contest(db: SqlRunner, id: string, settlementId: string, kind: string, reason: string, note: string): Promise<boolean> {
    const r = await queryRows(
      db,
      `UPDATE medical.statement_item SET contest_reason = $4, contest_note = $5, answer_outcome = NULL, answer_note = NULL
       WHERE statement_id = $1 AND settlement_id = $2 AND kind = $3 AND answer_outcome IS NULL RETURNING kind`,
      [id, settlementId, kind, reason, note],
    );
    return r.length > 0;
  }
  async answer(db: SqlRunner, id: string, settlementId: string, kind: string, outcome: string, note: string): Promise<boolean> {
    const r = await queryRows(
      db,
      `UPDATE medical.statement_item SET answer_outcome = $4, answer_note = $5
       WHERE statement_id = $1 AND settlement_id = $2 AND kind = $3 AND contest_reason IS NOT NULL AND answer_outcome IS NULL RETURNING kind`,
      [id, settlementId, kind, outcome, note],
    );
    return r.length > 0;
  }
  async confirm(db: SqlRunner, id: string, at: Date, totals: StatementTotals): Promise<void> {
    await db.query(`UPDATE medical.statement SET confirmed_at = $2, totals = $3, version = version + 1 WHERE id = $1`, [
      id,
      at,
      JSON.stringify(totals),
    ]);
  }
  /** Every change to this city's copy of a statement (a contest, an answer) is a new version: the ETag. */
  async bump(db: SqlRunner, id: string): Promise<void> {
    await db.query(`UPDATE medical.statement SET version = version + 1 WHERE id = $1`, [id]);
  }
  /**
   * Statements held here, newest period first (then by id), after the cursor's (period, id); optionally of one period and
   * one state. The state is the one `statementState` computes: confirmed, contested (a contest unanswered), answered, issued.
   */
  listStatements(
    db: SqlRunner,
    q: { period?: string; state?: string; after?: { p: string; i: string }; limit: number },
  ): Promise<StatementListRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...v: unknown[]) => {
      params.push(...v);
      where.push(sql.replace(/\$(\d)/g, (_, n: string) => `$${params.length - v.length + Number(n)}`));
    };
    if (q.period) add(`s.period = $1`, q.period);
    if (q.after) add(`(s.period < $1 OR (s.period = $1 AND s.id > $2))`, q.after.p, q.after.i);
    const open = `EXISTS (SELECT 1 FROM medical.statement_item i WHERE i.statement_id = s.id AND i.contest_reason IS NOT NULL AND i.answer_outcome IS NULL)`;
    const any = `EXISTS (SELECT 1 FROM medical.statement_item i WHERE i.statement_id = s.id AND i.contest_reason IS NOT NULL)`;
    if (q.state === 'confirmed') where.push(`s.confirmed_at IS NOT NULL`);
    if (q.state === 'contested') where.push(`s.confirmed_at IS NULL AND ${open}`);
    if (q.state === 'answered') where.push(`s.confirmed_at IS NULL AND ${any} AND NOT ${open}`);
    if (q.state === 'issued') where.push(`s.confirmed_at IS NULL AND NOT ${any}`);
    params.push(q.limit);
    return queryRows<StatementListRow>(
      db,
      `SELECT s.*,
              (SELECT count(*)::int FROM medical.statement_item i WHERE i.statement_id = s.id) AS item_count,
              (SELECT count(*)::int FROM medical.statement_item i WHERE i.statement_id = s.id AND i.contest_reason IS NOT NULL) AS contests,
              (SELECT count(*)::int FROM medical.statement_item i WHERE i.statement_id = s.id AND i.contest_reason IS NOT NULL
                 AND i.answer_outcome IS NULL) AS open_contests
         FROM medical.statement s ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY s.period DESC, s.id LIMIT $${params.length}`,
      params,
    );
  }
  async setTotals(db: SqlRunner, id: string, totals: StatementTotals): Promise<void> {
    await db.query(`UPDATE medical.statement SET totals = $2 WHERE id = $1`, [id, JSON.stringify(totals)]);
  }

  /**
   * The inbound row of a statement arriving in pieces, created by its first piece, locked (FOR UPDATE, by the upsert): the
   * pieces of one statement are staged one transaction after another, so exactly one of them sees the statement complete.
   */
  async lockInbound(db: SqlRunner, statementId: string, treatingCity: string): Promise<InboundRow> {
    return (await queryRow<InboundRow>(
      db,
      `INSERT INTO medical.statement_inbound AS i (statement_id, treating_city) VALUES ($1, $2)
       ON CONFLICT (statement_id) DO UPDATE SET statement_id = i.statement_id
       RETURNING statement_id, treating_city, header, problems, completed_at`,
      [statementId, treatingCity],
    ))!;
  }
  inbound(db: SqlRunner, statementId: string): Promise<(InboundRow & { chunks: number }) | undefined> {
    return queryRow<InboundRow & { chunks: number }>(
      db,
      `SELECT i.statement_id, i.treating_city, i.header, i.problems, i.completed_at,
              (SELECT count(*)::int FROM medical.statement_chunk c WHERE c.statement_id = i.statement_id) AS chunks
         FROM medical.statement_inbound i WHERE i.statement_id = $1`,
      [statementId],
    );
  }
  /** Statements whose pieces are still arriving (not completed), oldest first, after the cursor (first arrival µs, id). */
  arriving(db: SqlRunner, q: { after?: { k: string; i: string }; limit: number }): Promise<ArrivingRow[]> {
    return queryRows<ArrivingRow>(
      db,
      `SELECT i.statement_id AS id, (extract(epoch FROM i.first_at) * 1000000)::bigint::text AS k, i.treating_city, i.header,
              jsonb_array_length(i.problems) AS problems, i.first_at, c.chunks, greatest(i.first_at, c.last_at) AS last_at
         FROM medical.statement_inbound i
         CROSS JOIN LATERAL (SELECT count(*)::int AS chunks, max(received_at) AS last_at FROM medical.statement_chunk c
                              WHERE c.statement_id = i.statement_id) c
        WHERE i.completed_at IS NULL
          AND ($1::bigint IS NULL OR (extract(epoch FROM i.first_at) * 1000000)::bigint > $1
               OR ((extract(epoch FROM i.first_at) * 1000000)::bigint = $1 AND i.statement_id > $2::uuid))
        ORDER BY i.first_at, i.statement_id LIMIT $3`,
      [q.after?.k ?? null, q.after?.i ?? null, q.limit],
    );
  }
  async setInboundHeader(db: SqlRunner, statementId: string, header: MedicalStatementIssued): Promise<void> {
    await db.query(`UPDATE medical.statement_inbound SET header = $2 WHERE statement_id = $1`, [statementId, JSON.stringify(header)]);
  }
  async addInboundProblem(db: SqlRunner, statementId: string, problem: string): Promise<void> {
    await db.query(`UPDATE medical.statement_inbound SET problems = problems || $2::jsonb WHERE statement_id = $1`, [
      statementId,
      JSON.stringify([problem]),
    ]);
  }
  /** Stages a chunk; false when a chunk of that index is staged already (its digest tells a repeat from a different one). */
  async stageChunk(db: SqlRunner, statementId: string, index: number, digest: string, items: readonly StatementLine[]): Promise<boolean> {
    const r = await queryRows(
      db,
      `INSERT INTO medical.statement_chunk (statement_id, chunk_index, item_count, digest, items) VALUES ($1, $2, $3, $4, $5::json)
       ON CONFLICT DO NOTHING RETURNING chunk_index`,
      [statementId, index, items.length, digest, JSON.stringify(items)],
    );
    return r.length > 0;
  }
  async stagedChunkDigest(db: SqlRunner, statementId: string, index: number): Promise<string | undefined> {
    return (
      await queryRow<{ digest: string }>(db, `SELECT digest FROM medical.statement_chunk WHERE statement_id = $1 AND chunk_index = $2`, [
        statementId,
        index,
      ])
    )?.digest;
  }
  /** How many of chunks 0 … chunkCount − 1 are staged. */
  async stagedChunkCount(db: SqlRunner, statementId: string, chunkCount: number): Promise<number> {
    const r = await queryRow<{ n: number }>(
      db,
      `SELECT count(*)::int AS n FROM medical.statement_chunk WHERE statement_id = $1 AND chunk_index < $2`,
      [statementId, chunkCount],
    );
    return r?.n ?? 0;
  }
  /** Every staged chunk of a statement, by index, its items as they arrived. */
  async stagedChunks(db: SqlRunner, statementId: string): Promise<StagedChunk[]> {
    const rows = await queryRows<{ chunk_index: number; items: StatementLine[] }>(
      db,
      `SELECT chunk_index, items FROM medical.statement_chunk WHERE statement_id = $1 ORDER BY chunk_index`,
      [statementId],
    );
    return rows.map((r) => ({ index: r.chunk_index, items: r.items }));
  }
  /** The statement is recorded: its staged chunks go, the inbound row stays (completed) so that a late piece is known as one. */
  async completeInbound(db: SqlRunner, statementId: string): Promise<void> {
    await db.query(`DELETE FROM medical.statement_chunk WHERE statement_id = $1`, [statementId]);
    await db.query(`UPDATE medical.statement_inbound SET completed_at = now() WHERE statement_id = $1`, [statementId]);
  }

  /** The agency's entries of one hospital and day (reconciliation). */
  async dayEntries(db: SqlRunner, hospitalCode: string, day: string): Promise<DayEntry[]> {
    return queryRows<DayEntry>(
      db,
      `SELECT id AS "settlementId", 'settlement' AS kind, total_fen::float8 AS "medfeeFen", fund_fen::float8 AS "fundFen", acct_fen::float8 AS "acctFen", cash_fen::float8 AS "cashFen"
         FROM medical.settlement WHERE hospital_code = $1 AND settled_on = $2
       UNION ALL
       SELECT id, 'reversal', total_fen::float8, fund_fen::float8, acct_fen::float8, cash_fen::float8
         FROM medical.settlement WHERE hospital_code = $1 AND reversed_on = $2`,
      [hospitalCode, day],
    );
  }
  async saveReconciliation(
    db: SqlRunner,
    r: { id: string; hospitalCode: string; day: string; infno: '3201' | '3202'; matched: boolean; submitted: unknown; result: unknown },
  ): Promise<void> {
    await db.query(
      `INSERT INTO medical.reconciliation (id, hospital_code, day, infno, matched, submitted, result) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [r.id, r.hospitalCode, r.day, r.infno, r.matched, JSON.stringify(r.submitted), JSON.stringify(r.result)],
    );
  }
}
