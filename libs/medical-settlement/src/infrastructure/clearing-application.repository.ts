import { Injectable } from '@nestjs/common';
import { queryRow, queryRows, type SqlRunner } from '@guangfo/platform';
import type { ApplicationTotals, ClearingApplicationState, DayReconciliation } from '../domain/clearing-application.js';
import type { DayEntry, DayTotals } from '../domain/reconciliation.js';

export interface ClearingApplicationRow {
  id: string;
  hospital_code: string;
  begin_on: string;
  end_on: string;
  state: ClearingApplicationState;
  entry_count: number;
  medfee_fen: string;
  fund_fen: string;
  acct_fen: string;
  cash_fen: string;
  by_insured_city: Record<string, ApplicationTotals>;
  msgid: string;
  applied_at: Date;
  processed_at: Date | null;
  reversal_msgid: string | null;
  reversed_at: Date | null;
}

export interface HospitalFileRow {
  file_id: string;
  hospital_code: string;
  purpose: 'upload' | 'result';
  reconciliation_id: string | null;
}

const COLUMNS = `id, hospital_code, to_char(begin_on, 'YYYY-MM-DD') AS begin_on, to_char(end_on, 'YYYY-MM-DD') AS end_on, state, entry_count,
  medfee_fen, fund_fen, acct_fen, cash_fen, by_insured_city, msgid, applied_at, processed_at, reversal_msgid, reversed_at`;

/** 3203 / 3204 clearing applications and the hospital's 9101 / 9102 files, schema `medical`. */
@Injectable()
export class ClearingApplicationRepository {
  /** Serialises a hospital's applications (overlap and msgid checks) until the transaction ends. */
  async lockHospital(db: SqlRunner, hospitalCode: string): Promise<void> {
    await db.query(`SELECT 1 FROM medical.hospital WHERE hospital_code = $1 FOR UPDATE`, [hospitalCode]);
  }

  /** The agency's entries of a hospital in [from, to]: settlements on their day, reversals on theirs. */
  entries(db: SqlRunner, hospitalCode: string, from: string, to: string): Promise<(DayEntry & { day: string; insuredCity: string })[]> {
    return queryRows(
      db,
      `SELECT to_char(settled_on, 'YYYY-MM-DD') AS day, id AS "settlementId", 'settlement' AS kind, insured_city AS "insuredCity",
              total_fen::float8 AS "medfeeFen", fund_fen::float8 AS "fundFen", acct_fen::float8 AS "acctFen", cash_fen::float8 AS "cashFen"
         FROM medical.settlement WHERE hospital_code = $1 AND settled_on BETWEEN $2 AND $3
       UNION ALL
       SELECT to_char(reversed_on, 'YYYY-MM-DD'), id, 'reversal', insured_city, total_fen::float8, fund_fen::float8, acct_fen::float8, cash_fen::float8
         FROM medical.settlement WHERE hospital_code = $1 AND reversed_on BETWEEN $2 AND $3`,
      [hospitalCode, from, to],
    );
  }

  /** The latest 3201 / 3202 run of each day of [from, to] of a hospital. */
  latestReconciliations(db: SqlRunner, hospitalCode: string, from: string, to: string): Promise<DayReconciliation[]> {
    return queryRows<DayReconciliation>(
      db,
      `SELECT DISTINCT ON (r.day) to_char(r.day, 'YYYY-MM-DD') AS day, r.matched, r.result->'agency' AS agency
         FROM medical.reconciliation r WHERE r.hospital_code = $1 AND r.day BETWEEN $2 AND $3
        ORDER BY r.day, r.created_at DESC, r.id`,
      [hospitalCode, from, to],
    );
  }

  /** A live (applied or processed) application of the hospital overlapping [from, to]. */
  overlapping(db: SqlRunner, hospitalCode: string, from: string, to: string): Promise<ClearingApplicationRow | undefined> {
    return queryRow<ClearingApplicationRow>(
      db,
      `SELECT ${COLUMNS} FROM medical.clearing_application
        WHERE hospital_code = $1 AND state <> 'reversed' AND begin_on <= $3 AND end_on >= $2 ORDER BY begin_on LIMIT 1`,
      [hospitalCode, from, to],
    );
  }

  byMsgid(db: SqlRunner, hospitalCode: string, msgid: string): Promise<ClearingApplicationRow | undefined> {
    return queryRow<ClearingApplicationRow>(
      db,
      `SELECT ${COLUMNS} FROM medical.clearing_application WHERE hospital_code = $1 AND (msgid = $2 OR reversal_msgid = $2)`,
      [hospitalCode, msgid],
    );
  }

  get(db: SqlRunner, id: string, lock = false): Promise<ClearingApplicationRow | undefined> {
    return queryRow<ClearingApplicationRow>(
      db,
      `SELECT ${COLUMNS} FROM medical.clearing_application WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
  }

  async insert(
    db: SqlRunner,
    a: {
      id: string;
      hospitalCode: string;
      beginOn: string;
      endOn: string;
      totals: DayTotals;
      byInsuredCity: Record<string, ApplicationTotals>;
      msgid: string;
      at: Date;
      by: string;
    },
  ): Promise<void> {
    await db.query(
      `INSERT INTO medical.clearing_application (id, hospital_code, begin_on, end_on, state, entry_count, medfee_fen, fund_fen, acct_fen, cash_fen,
         by_insured_city, msgid, applied_at, applied_by)
       VALUES ($1, $2, $3, $4, 'applied', $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        a.id,
        a.hospitalCode,
        a.beginOn,
        a.endOn,
        a.totals.count,
        a.totals.medfeeFen,
        a.totals.fundFen,
        a.totals.acctFen,
        a.totals.cashFen,
        JSON.stringify(a.byInsuredCity),
        a.msgid,
        a.at,
        a.by,
      ],
    );
  }

  async markReversed(db: SqlRunner, id: string, msgid: string, at: Date): Promise<void> {
    await db.query(`UPDATE medical.clearing_application SET state = 'reversed', reversal_msgid = $2, reversed_at = $3 WHERE id = $1`, [
      id,
      msgid,
      at,
    ]);
  }

  async markProcessed(db: SqlRunner, id: string, by: string, at: Date): Promise<void> {
    await db.query(`UPDATE medical.clearing_application SET state = 'processed', processed_by = $2, processed_at = $3 WHERE id = $1`, [
      id,
      by,
      at,
    ]);
  }

  /** Applications held here, oldest period first then by id, after the cursor's (begin_on, id); optionally of one state. */
  list(
    db: SqlRunner,
    q: { state?: ClearingApplicationState; after?: { b: string; i: string }; limit: number },
  ): Promise<ClearingApplicationRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.state) {
      params.push(q.state);
      where.push(`state = $${params.length}`);
    }
    if (q.after) {
      params.push(q.after.b, q.after.i);
      where.push(`(begin_on > $${params.length - 1} OR (begin_on = $${params.length - 1} AND id > $${params.length}))`);
    }
    params.push(q.limit);
    return queryRows<ClearingApplicationRow>(
      db,
      `SELECT ${COLUMNS} FROM medical.clearing_application ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY begin_on, id LIMIT $${params.length}`,
      params,
    );
  }

  // 9101 / 9102: files bound to a hospital (the bytes in platform.file_blob).
  async bindFile(db: SqlRunner, f: HospitalFileRow): Promise<void> {
    await db.query(`INSERT INTO medical.hospital_file (file_id, hospital_code, purpose, reconciliation_id) VALUES ($1, $2, $3, $4)`, [
      f.file_id,
      f.hospital_code,
      f.purpose,
      f.reconciliation_id,
    ]);
  }

  hospitalFile(db: SqlRunner, fileId: string): Promise<HospitalFileRow | undefined> {
    return queryRow<HospitalFileRow>(
      db,
      `SELECT file_id, hospital_code, purpose, reconciliation_id FROM medical.hospital_file WHERE file_id = $1`,
      [fileId],
    );
  }
}
