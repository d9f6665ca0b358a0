import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CatalogueEntry, InsuredPolicy, Pot, SettlementTotals, TreatingCatalogue } from '@guangfo/contracts';
import { AUDIT_APPEND, prepared, type PreparedSql, queryRow, queryRows, type SqlRunner } from '@guangfo/platform';
import { OUTBOX_APPEND, OUTBOX_NOTIFY } from '@guangfo/messaging';
import type { LineResult } from '../domain/settlement-calculator.js';
import type { Allowance, CapLedger } from '../domain/allowance.js';

export interface HospitalRow {
  partner_id: string;
  city_code: string;
  hospital_code: string;
  name: string;
  level: 'primary' | 'secondary' | 'tertiary';
}
export interface PersonRow {
  id: string;
  insured_city: string;
  person_key: string;
  id_number_sealed: string;
  name_sealed: string;
  account_balance_fen: string | null;
}
export interface FilingRow {
  id: string;
  person_id: string;
  insured_city: string;
  treating_city: string;
  kind: string;
  valid_from: string;
  valid_to: string | null;
  cancelled_on: string | null;
  late: boolean;
  recorded_at: Date;
  recorded_by: string;
  origin: 'own' | 'replica';
}
export interface AllowanceRow {
  person_id: string;
  year: number;
  pot: Pot;
  insured_city: string;
  granted_fen: string;
  consumed_fen: string;
  returned_fen: string;
  requested_at: Date | null;
}
/** The domain's view of an allowance row (domain/allowance.ts). */
export const allowanceOf = (a: Pick<AllowanceRow, 'granted_fen' | 'consumed_fen' | 'returned_fen'>): Allowance => ({
  grantedFen: Number(a.granted_fen),
  consumedFen: Number(a.consumed_fen),
  returnedFen: Number(a.returned_fen),
});
/** An allowance row given back by AllowanceReturnService: the new cumulative total and what this return added. */
export interface ReturnedAllowanceRow {
  person_id: string;
  year: number;
  pot: Pot;
  insured_city: string;
  returned_fen: string;
  added_fen: string;
  consumed_fen: string;
}
export interface VisitRow {
  id: string;
  hospital_code: string;
  partner_id: string;
  person_id: string;
  filing_id: string;
  insured_city: string;
  visit_type: 'outpatient' | 'inpatient';
  begun_on: string;
  state: 'open' | 'settled' | 'cancelled';
  msgid: string;
}
export interface FeeLineRow {
  line_no: number;
  code: string;
  name: string;
  quantity: number;
  unit_price_fen: string;
}
export interface SettlementRow {
  id: string;
  visit_id: string;
  hospital_code: string;
  person_id: string;
  filing_id: string;
  insured_city: string;
  visit_type: 'outpatient' | 'inpatient';
  hospital_level: 'primary' | 'secondary' | 'tertiary';
  standing: string;
  ratio_bp: number;
  settled_on: string;
  settled_at: Date;
  reversed_on: string | null;
  state: 'settled' | 'reversed';
  fund_fen: string;
  acct_fen: string;
  cash_fen: string;
  total_fen: string;
  totals: SettlementTotals;
  lines: LineResult[];
  shortfall: { fen: number; reason: string } | null;
  policy_version: string;
  catalogue_version: string;
  msgid: string;
  reversal_msgid: string | null;
}

const DATE = (c: string) => `to_char(${c}, 'YYYY-MM-DD') AS ${c.split('.').pop()}`;
const FILING_COLUMNS = `id, person_id, insured_city, treating_city, kind, ${DATE('valid_from')}, ${DATE('valid_to')}, ${DATE('cancelled_on')}, late, recorded_at, recorded_by, origin`;
const VISIT_COLUMNS = `id, hospital_code, partner_id, person_id, filing_id, insured_city, visit_type, ${DATE('begun_on')}, state, msgid`;
const SETTLEMENT_COLUMNS = `id, visit_id, hospital_code, person_id, filing_id, insured_city, visit_type, hospital_level, standing, ratio_bp, ${DATE('settled_on')}, settled_at, ${DATE('reversed_on')}, state, fund_fen, acct_fen, cash_fen, total_fen, totals, lines, shortfall, policy_version, catalogue_version, msgid, reversal_msgid`;

/** The 22 parameters of a settlement row's INSERT, in column order. */
const settlementParams = (s: Omit<SettlementRow, 'reversed_on' | 'reversal_msgid' | 'state'>): unknown[] => [
  s.id,
  s.visit_id,
  s.hospital_code,
  s.person_id,
  s.filing_id,
  s.insured_city,
  s.visit_type,
  s.hospital_level,
  s.standing,
  s.ratio_bp,
  s.settled_on,
  s.settled_at,
  s.fund_fen,
  s.acct_fen,
  s.cash_fen,
  s.total_fen,
  JSON.stringify(s.totals),
  JSON.stringify(s.lines),
  s.shortfall ? JSON.stringify(s.shortfall) : null,
  s.policy_version,
  s.catalogue_version,
  s.msgid,
];

// The settlement path's statements, prepared on each connection (platform `prepared`: parsed and planned once there).
const LOCK_VISIT_OF_PARTNER = prepared(
  `SELECT v.id, v.hospital_code, v.partner_id, v.person_id, v.filing_id, v.insured_city, v.visit_type, ${DATE('v.begun_on')}, v.state, v.msgid, h.level AS hospital_level
     FROM medical.visit v JOIN medical.hospital h ON h.hospital_code = v.hospital_code
    WHERE v.id = $1 AND h.partner_id = $2 AND h.city_code = $3 FOR UPDATE OF v`,
);
const PERSON_BY_ID = prepared(`SELECT * FROM medical.person WHERE id = $1`);
// Prepared: every lookup is by primary key (lines by visit, the 备案 by id, the allowance rows by person and year), so one
// generic plan serves every settlement. (The earlier settlement under the msgid is not looked up here: a generic plan chosen
// while medical.settlement was nearly empty read it through the hospital's list index, 1.4 ms instead of 0.2 ms; the unique
// (hospital_code, msgid) index answers it at the insert instead, and a replay finds its visit settled.)
const settlementInputsSql = (lock: boolean): PreparedSql =>
  prepared(`WITH a AS (SELECT person_id, year, pot, insured_city, granted_fen::text AS granted_fen, consumed_fen::text AS consumed_fen,
                           returned_fen::text AS returned_fen, requested_at
                    FROM medical.allowance WHERE person_id = $3 AND year = $4 ORDER BY pot${lock ? ' FOR UPDATE' : ''})
       SELECT (SELECT json_agg(l ORDER BY l.line_no) FROM (SELECT line_no, code, name, quantity, unit_price_fen::text AS unit_price_fen
                 FROM medical.fee_line WHERE visit_id = $1) l) AS lines,
              (SELECT row_to_json(f) FROM (SELECT ${FILING_COLUMNS} FROM medical.filing WHERE id = $2) f) AS filing,
              (SELECT json_agg(a ORDER BY a.pot) FROM a) AS allowances`);
const SETTLEMENT_INPUTS = settlementInputsSql(false);
const SETTLEMENT_INPUTS_LOCKED = settlementInputsSql(true);
/** The unique index a settlement's msgid must pass (per hospital): a msgid used before is refused at the insert. */
export const SETTLEMENT_MSGID_UNIQUE = 'settlement_hospital_code_msgid_key';
const RECORD_SETTLEMENT = prepared(
  `WITH moved AS (
         UPDATE medical.allowance SET consumed_fen = consumed_fen + CASE pot WHEN 'hifp' THEN $23::bigint ELSE $24::bigint END
          WHERE person_id = $4 AND year = $25 AND ((pot = 'hifp' AND $23::bigint <> 0) OR (pot = 'acct' AND $24::bigint <> 0)) RETURNING pot),
       inserted AS (
         INSERT INTO medical.settlement (id, visit_id, hospital_code, person_id, filing_id, insured_city, visit_type, hospital_level, standing, ratio_bp,
           settled_on, settled_at, state, fund_fen, acct_fen, cash_fen, total_fen, totals, lines, shortfall, policy_version, catalogue_version, msgid)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'settled', $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING id),
       visit AS (UPDATE medical.visit SET state = 'settled' WHERE id = $2 RETURNING id),
       ${OUTBOX_APPEND.cte('recorded', 26)},
       ${AUDIT_APPEND.cte('audited', 26 + OUTBOX_APPEND.columns.length)}
       SELECT (SELECT count(*) FROM moved)::int AS moved, (SELECT count(*) FROM visit)::int AS visits,
              (SELECT count(*) FROM recorded)::int + (SELECT count(*) FROM audited)::int AS carried, ${OUTBOX_NOTIFY} AS notified`,
);
// The person check and the insert in one statement: no copy unless the person is insured here (`insured_here` says which).
const SAVE_SETTLEMENT_COPY = prepared(
  `WITH p AS (SELECT id FROM medical.person WHERE id = $3 AND insured_city = $10),
        saved AS (INSERT INTO medical.settlement_copy (settlement_id, treating_city, person_id, hospital_code, settled_on, fund_fen, acct_fen, total_fen, totals)
                  SELECT $1::uuid, $2::text, p.id, $4::text, $5::date, $6::bigint, $7::bigint, $8::bigint, $9::jsonb FROM p ON CONFLICT (settlement_id) DO NOTHING RETURNING 1)
   SELECT EXISTS (SELECT 1 FROM p) AS insured_here`,
);

/** The SQL of schema `medical`, typed once. */
@Injectable()
export class MedicalRepository {
  // reference data
  async savePolicy(db: SqlRunner, p: InsuredPolicy): Promise<boolean> {
    const r = await queryRows(
      db,
      `INSERT INTO medical.policy (city, version, effective_from, source, demo, body) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING version`,
      [p.city, p.version, p.effectiveFrom, p.source, p.demo, JSON.stringify(p)],
    );
    return r.length > 0;
  }
  async saveCatalogue(db: SqlRunner, c: TreatingCatalogue): Promise<boolean> {
    const r = await queryRows(
      db,
      `INSERT INTO medical.catalogue (city, version, effective_from, source, demo, body) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING version`,
      [c.city, c.version, c.effectiveFrom, c.source, c.demo, JSON.stringify(c)],
    );
    return r.length > 0;
  }
  /** The version in force on `date` (the latest effective_from ≤ date): its name only, a cheap indexed read. */
  /** Every stored version of a city's policy or catalogue with its effective date, latest first. */
  versionsOf(db: SqlRunner, table: 'policy' | 'catalogue', city: string): Promise<{ version: string; effective_from: string }[]> {
    return queryRows<{ version: string; effective_from: string }>(
      db,
      `SELECT version, ${DATE('effective_from')} FROM medical.${table} WHERE city = $1 ORDER BY effective_from DESC, version DESC`,
      [city],
    );
  }

  async policyBody(db: SqlRunner, city: string, version: string): Promise<InsuredPolicy | undefined> {
    return (
      await queryRow<{ body: InsuredPolicy }>(db, `SELECT body FROM medical.policy WHERE city = $1 AND version = $2`, [city, version])
    )?.body;
  }
  async catalogueBody(db: SqlRunner, city: string, version: string): Promise<TreatingCatalogue | undefined> {
    return (
      await queryRow<{ body: TreatingCatalogue }>(db, `SELECT body FROM medical.catalogue WHERE city = $1 AND version = $2`, [
        city,
        version,
      ])
    )?.body;
  }
  async listVersions(
    db: SqlRunner,
  ): Promise<{ kind: string; city: string; version: string; effective_from: string; source: string; demo: boolean }[]> {
    return queryRows(
      db,
      `SELECT 'policy' AS kind, city, version, ${DATE('effective_from')}, source, demo FROM medical.policy
       UNION ALL SELECT 'catalogue', city, version, ${DATE('effective_from')}, source, demo FROM medical.catalogue ORDER BY 1, 2, 4`,
    );
  }
  async upsertHospital(db: SqlRunner, h: { partnerId: string; city: string; code: string; name: string; level: string }): Promise<void> {
    await db.query(
      `INSERT INTO medical.hospital (partner_id, city_code, hospital_code, name, level) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (partner_id) DO UPDATE SET city_code = EXCLUDED.city_code, hospital_code = EXCLUDED.hospital_code, name = EXCLUDED.name, level = EXCLUDED.level`,
      [h.partnerId, h.city, h.code, h.name, h.level],
    );
  }
  /** A seeded slot: added once (a slot already there keeps its bookings); true when added now. */
  async seedSlot(
    db: SqlRunner,
    hospitalCode: string,
    slot: { id: string; department: string; startsAt: string; capacity: number },
  ): Promise<boolean> {
    const r = await queryRows(
      db,
      `INSERT INTO medical.booking_slot (id, hospital_code, department, starts_at, capacity) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [slot.id, hospitalCode, slot.department, slot.startsAt, slot.capacity],
    );
    return r.length > 0;
  }
  /** A designated hospital by its institution code (registry data: every city's hospitals). */
  hospitalByCode(db: SqlRunner, code: string): Promise<HospitalRow | undefined> {
    return queryRow<HospitalRow>(db, `SELECT * FROM medical.hospital WHERE hospital_code = $1 LIMIT 1`, [code]);
  }
  hospitalOf(db: SqlRunner, partnerId: string, city: string): Promise<HospitalRow | undefined> {
    return queryRow<HospitalRow>(db, `SELECT * FROM medical.hospital WHERE partner_id = $1 AND city_code = $2`, [partnerId, city]);
  }

  // persons and 备案
  personByKey(db: SqlRunner, insuredCity: string | null, key: string): Promise<PersonRow | undefined> {
    return insuredCity
      ? queryRow<PersonRow>(db, `SELECT * FROM medical.person WHERE insured_city = $1 AND person_key = $2`, [insuredCity, key])
      : queryRow<PersonRow>(db, `SELECT * FROM medical.person WHERE person_key = $1 ORDER BY created_at LIMIT 1`, [key]);
  }
  person(db: SqlRunner, id: string): Promise<PersonRow | undefined> {
    return queryRow<PersonRow>(db, PERSON_BY_ID, [id]);
  }
  async insertPerson(
    db: SqlRunner,
    p: Omit<PersonRow, 'account_balance_fen'> & { account_balance_fen: number | null },
  ): Promise<PersonRow> {
    const inserted = await queryRow<PersonRow>(
      db,
      `INSERT INTO medical.person (id, insured_city, person_key, id_number_sealed, name_sealed, account_balance_fen) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (insured_city, person_key) DO NOTHING RETURNING *`,
      [p.id, p.insured_city, p.person_key, p.id_number_sealed, p.name_sealed, p.account_balance_fen],
    );
    return inserted ?? (await this.personByKey(db, p.insured_city, p.person_key))!;
  }
  async setAccountBalance(db: SqlRunner, personId: string, fen: number): Promise<void> {
    await db.query(`UPDATE medical.person SET account_balance_fen = $2 WHERE id = $1`, [personId, fen]);
  }
  async insertFiling(db: SqlRunner, f: Omit<FilingRow, 'cancelled_on'>): Promise<boolean> {
    const r = await queryRows(
      db,
      `INSERT INTO medical.filing (id, person_id, insured_city, treating_city, kind, valid_from, valid_to, late, recorded_at, recorded_by, origin)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        f.id,
        f.person_id,
        f.insured_city,
        f.treating_city,
        f.kind,
        f.valid_from,
        f.valid_to,
        f.late,
        f.recorded_at,
        f.recorded_by,
        f.origin,
      ],
    );
    return r.length > 0;
  }
  filing(db: SqlRunner, id: string, lock = false): Promise<FilingRow | undefined> {
    return queryRow<FilingRow>(db, `SELECT ${FILING_COLUMNS} FROM medical.filing WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  }
  /**
   * 备案 held here, newest registration first (then id), after the cursor (`k`: recorded_at in epoch microseconds, as text);
   * optionally of one person (a resident's own) and active (not cancelled) or cancelled only.
   */
  listFilings(
    db: SqlRunner,
    q: {
      personIds?: string[];
      origin?: 'own' | 'replica';
      status?: 'active' | 'cancelled';
      after?: { k: string; i: string };
      limit: number;
    },
  ): Promise<Array<FilingRow & { k: string }>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const arg = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const key = `(extract(epoch FROM recorded_at) * 1000000)::bigint`;
    if (q.personIds) where.push(`person_id = ANY(${arg(q.personIds)}::uuid[])`);
    if (q.origin) where.push(`origin = ${arg(q.origin)}`);
    if (q.status === 'active') where.push(`cancelled_on IS NULL`);
    if (q.status === 'cancelled') where.push(`cancelled_on IS NOT NULL`);
    if (q.after) {
      const k = arg(q.after.k);
      where.push(`(${key} < ${k}::bigint OR (${key} = ${k}::bigint AND id > ${arg(q.after.i)}::uuid))`);
    }
    return queryRows<FilingRow & { k: string }>(
      db,
      `SELECT ${FILING_COLUMNS}, ${key}::text AS k FROM medical.filing ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY recorded_at DESC, id LIMIT ${arg(q.limit)}`,
      params,
    );
  }
  /** Persons of this city with this lookup digest (a resident's own records). */
  async personIdsByKey(db: SqlRunner, key: string): Promise<string[]> {
    return (await queryRows<{ id: string }>(db, `SELECT id FROM medical.person WHERE person_key = $1`, [key])).map((r) => r.id);
  }
  filingsOf(db: SqlRunner, personId: string, treatingCity: string): Promise<FilingRow[]> {
    return queryRows<FilingRow>(
      db,
      `SELECT ${FILING_COLUMNS} FROM medical.filing WHERE person_id = $1 AND treating_city = $2 ORDER BY valid_from DESC, recorded_at DESC`,
      [personId, treatingCity],
    );
  }
  async cancelFiling(db: SqlRunner, id: string, on: string): Promise<void> {
    await db.query(`UPDATE medical.filing SET cancelled_on = $2 WHERE id = $1 AND cancelled_on IS NULL`, [id, on]);
  }

  // the insured city's cap ledger
  async ensureCap(db: SqlRunner, personId: string, year: number, pot: Pot, capFen: number): Promise<void> {
    await db.query(`INSERT INTO medical.cap_ledger (person_id, year, pot, cap_fen) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
      personId,
      year,
      pot,
      capFen,
    ]);
  }
  /** Locks the ledger row (one grant at a time per person, pot and year) and reads its grants. */
  async lockCap(db: SqlRunner, personId: string, year: number, pot: Pot): Promise<CapLedger | undefined> {
    const cap = await queryRow<{ cap_fen: string }>(
      db,
      `SELECT cap_fen FROM medical.cap_ledger WHERE person_id = $1 AND year = $2 AND pot = $3 FOR UPDATE`,
      [personId, year, pot],
    );
    if (!cap) return undefined;
    const grants = await queryRows<{ city: string; granted_fen: string; returned_fen: string }>(
      db,
      `SELECT city, granted_fen, returned_fen FROM medical.cap_grant WHERE person_id = $1 AND year = $2 AND pot = $3`,
      [personId, year, pot],
    );
    return {
      capFen: Number(cap.cap_fen),
      grantedFen: Object.fromEntries(grants.map((g) => [g.city, Number(g.granted_fen)])),
      returnedFen: Object.fromEntries(grants.map((g) => [g.city, Number(g.returned_fen)])),
    };
  }
  /** A treating city's cumulative return (the ledger row locked by the caller, the domain's applyReturn checked it). */
  async setReturn(db: SqlRunner, personId: string, year: number, pot: Pot, city: string, totalFen: number): Promise<void> {
    await db.query(`UPDATE medical.cap_grant SET returned_fen = $5 WHERE person_id = $1 AND year = $2 AND pot = $3 AND city = $4`, [
      personId,
      year,
      pot,
      city,
      totalFen,
    ]);
  }
  async setGrant(db: SqlRunner, personId: string, year: number, pot: Pot, city: string, totalFen: number): Promise<void> {
    await db.query(
      `INSERT INTO medical.cap_grant (person_id, year, pot, city, granted_fen) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (person_id, year, pot, city) DO UPDATE SET granted_fen = EXCLUDED.granted_fen`,
      [personId, year, pot, city, totalFen],
    );
  }

  /**
   * Year-ahead grants: persons of this city's own 备案 touching `year` (domain/filing.ts filingTouchesYear) who hold no
   * fund grant of that year for the 备案's treating city yet; one row per person and treating city, by person id.
   */
  personsWithoutGrant(db: SqlRunner, year: number, limit: number): Promise<(PersonRow & { treating_city: string })[]> {
    return queryRows<PersonRow & { treating_city: string }>(
      db,
      `SELECT DISTINCT p.*, f.treating_city FROM medical.filing f JOIN medical.person p ON p.id = f.person_id
        WHERE f.origin = 'own' AND f.valid_from <= make_date($1, 12, 31) AND (f.valid_to IS NULL OR f.valid_to >= make_date($1, 1, 1))
          AND (f.cancelled_on IS NULL OR (f.cancelled_on > f.valid_from AND f.cancelled_on > make_date($1, 1, 1)))
          AND NOT EXISTS (SELECT 1 FROM medical.cap_grant g
                           WHERE g.person_id = f.person_id AND g.year = $1 AND g.pot = 'hifp' AND g.city = f.treating_city)
        ORDER BY p.id, f.treating_city LIMIT $2`,
      [year, limit],
    );
  }

  // the treating city's allowances
  async applyGrant(
    db: SqlRunner,
    a: { personId: string; year: number; pot: Pot; insuredCity: string; grantedTotalFen: number },
  ): Promise<void> {
    await db.query(
      `INSERT INTO medical.allowance (person_id, year, pot, insured_city, granted_fen) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (person_id, year, pot) DO UPDATE SET granted_fen = GREATEST(medical.allowance.granted_fen, EXCLUDED.granted_fen),
         requested_at = CASE WHEN EXCLUDED.granted_fen > medical.allowance.granted_fen THEN NULL ELSE medical.allowance.requested_at END
       WHERE medical.allowance.insured_city = EXCLUDED.insured_city`,
      [a.personId, a.year, a.pot, a.insuredCity, a.grantedTotalFen],
    );
  }
  /** The allowance rows of a person and year, locked (FOR UPDATE) when settling: concurrent settlements of one person queue here. */
  allowances(db: SqlRunner, personId: string, year: number, lock: boolean): Promise<AllowanceRow[]> {
    return queryRows<AllowanceRow>(
      db,
      `SELECT * FROM medical.allowance WHERE person_id = $1 AND year = $2 ORDER BY pot${lock ? ' FOR UPDATE' : ''}`,
      [personId, year],
    );
  }
  /** Consumes (positive) or restores (negative) both pots in one statement; the rows' CHECK refuses going beyond the grant or below zero. */
  async moveAllowances(db: SqlRunner, personId: string, year: number, fund: number, account: number): Promise<void> {
    if (fund === 0 && account === 0) return;
    const r = await queryRows<{ pot: string }>(
      db,
      `UPDATE medical.allowance SET consumed_fen = consumed_fen + CASE pot WHEN 'hifp' THEN $3::bigint ELSE $4::bigint END
       WHERE person_id = $1 AND year = $2 AND ((pot = 'hifp' AND $3::bigint <> 0) OR (pot = 'acct' AND $4::bigint <> 0)) RETURNING pot`,
      [personId, year, fund, account],
    );
    if (r.length !== (fund !== 0 ? 1 : 0) + (account !== 0 ? 1 : 0))
      throw new Error(`allowance ${personId}/${year} missing to move by ${fund}/${account}`);
  }
  /**
   * Gives back what is left of up to `limit` allowance rows that are no longer needed here (domain/allowance.ts): those of a
   * year before `today`'s, and those of a person who holds no 备案 here covering `today` or later, has no visit open here and
   * none begun in the last `idleDays` days. Each row's whole remainder is added to its cumulative `returned_fen` in one
   * statement (rows locked by a settlement are skipped, to be taken by a later pass).
   */
  returnUnused(db: SqlRunner, today: string, idleDays: number, limit: number): Promise<ReturnedAllowanceRow[]> {
    return queryRows<ReturnedAllowanceRow>(
      db,
      `WITH due AS (
         SELECT a.person_id, a.year, a.pot, a.granted_fen - a.consumed_fen - a.returned_fen AS left_fen FROM medical.allowance a
          WHERE a.granted_fen - a.consumed_fen - a.returned_fen > 0
            AND (a.year < extract(year FROM $1::date)
                 OR (NOT EXISTS (SELECT 1 FROM medical.filing f
                                  WHERE f.person_id = a.person_id AND f.origin = 'replica'
                                    AND (f.valid_to IS NULL OR f.valid_to >= $1::date) AND (f.cancelled_on IS NULL OR f.cancelled_on > $1::date)
                                    AND (f.cancelled_on IS NULL OR f.cancelled_on > f.valid_from))
                     AND NOT EXISTS (SELECT 1 FROM medical.visit v
                                      WHERE v.person_id = a.person_id AND (v.state = 'open' OR v.begun_on > $1::date - $2::int))))
          ORDER BY a.year, a.person_id, a.pot LIMIT $3 FOR UPDATE OF a SKIP LOCKED)
       UPDATE medical.allowance a SET returned_fen = a.returned_fen + due.left_fen
         FROM due WHERE a.person_id = due.person_id AND a.year = due.year AND a.pot = due.pot
       RETURNING a.person_id, a.year, a.pot, a.insured_city, a.returned_fen::text AS returned_fen, due.left_fen::text AS added_fen,
                 a.consumed_fen::text AS consumed_fen`,
      [today, idleDays, limit],
    );
  }
  async markRequested(db: SqlRunner, personId: string, year: number, pot: Pot): Promise<boolean> {
    const r = await queryRows(
      db,
      `UPDATE medical.allowance SET requested_at = now() WHERE person_id = $1 AND year = $2 AND pot = $3 AND requested_at IS NULL RETURNING pot`,
      [personId, year, pot],
    );
    return r.length > 0;
  }

  // visits, fee lines, settlements
  async insertVisit(db: SqlRunner, v: VisitRow): Promise<VisitRow> {
    const r = await queryRow<{ id: string }>(
      db,
      `INSERT INTO medical.visit (id, hospital_code, partner_id, person_id, filing_id, insured_city, visit_type, begun_on, state, msgid)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (hospital_code, msgid) DO NOTHING RETURNING id`,
      [v.id, v.hospital_code, v.partner_id, v.person_id, v.filing_id, v.insured_city, v.visit_type, v.begun_on, v.state, v.msgid],
    );
    const id =
      r?.id ??
      (await queryRow<{ id: string }>(db, `SELECT id FROM medical.visit WHERE hospital_code = $1 AND msgid = $2`, [
        v.hospital_code,
        v.msgid,
      ]))!.id;
    return (await this.visit(db, id))!;
  }
  visit(db: SqlRunner, id: string, lock = false): Promise<VisitRow | undefined> {
    return queryRow<VisitRow>(db, `SELECT ${VISIT_COLUMNS} FROM medical.visit WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  }
  /**
   * The visit, locked (FOR UPDATE), with the level of the hospital it belongs to — only if that hospital is the one bound to
   * this partner key in this city (one round trip for what the settlement checks first; undefined otherwise).
   */
  lockVisitOfPartner(
    db: SqlRunner,
    visitId: string,
    partnerId: string,
    city: string,
  ): Promise<(VisitRow & { hospital_level: HospitalRow['level'] }) | undefined> {
    return queryRow<VisitRow & { hospital_level: HospitalRow['level'] }>(db, LOCK_VISIT_OF_PARTNER, [visitId, partnerId, city]);
  }
  /**
   * What a settlement of a visit reads, in one round trip: the visit's fee lines, its 备案, and the person's allowance rows of
   * the year — locked (FOR UPDATE) when settling, so that concurrent settlements of one person queue here. Called after the
   * visit is locked, so the lines reflect every earlier commit.
   */
  async settlementInputs(
    db: SqlRunner,
    q: { visitId: string; filingId: string; personId: string; year: number; lock: boolean },
  ): Promise<{ lines: FeeLineRow[]; filing: FilingRow | undefined; allowances: AllowanceRow[] }> {
    const r = await queryRow<{
      lines: FeeLineRow[] | null;
      filing: FilingRow | null;
      allowances: (Omit<AllowanceRow, 'requested_at'> & { requested_at: string | null })[] | null;
    }>(db, q.lock ? SETTLEMENT_INPUTS_LOCKED : SETTLEMENT_INPUTS, [q.visitId, q.filingId, q.personId, q.year]);
    return {
      lines: r?.lines ?? [],
      filing: r?.filing ? { ...r.filing, recorded_at: new Date(r.filing.recorded_at) } : undefined,
      allowances: (r?.allowances ?? []).map((a) => ({ ...a, requested_at: a.requested_at === null ? null : new Date(a.requested_at) })),
    };
  }
  /**
   * Records a settlement in one statement: consumes both allowance pots (the rows' CHECK refuses going beyond the grant), inserts
   * the settlement, marks the visit settled, and writes the settlement's event (an outbox row staged by `OutboxService.stage`)
   * and its audit record (`auditParams`) — one round trip for what were three. Throws when an allowance row to consume is missing.
   */
  async recordSettlement(
    db: SqlRunner,
    s: Omit<SettlementRow, 'reversed_on' | 'reversal_msgid' | 'state'>,
    consume: { year: number; fund: number; account: number },
    carried: { event: readonly unknown[]; audit: readonly unknown[] },
  ): Promise<void> {
    const r = await queryRow<{ moved: number; visits: number; carried: number }>(db, RECORD_SETTLEMENT, [
      ...settlementParams(s),
      consume.fund,
      consume.account,
      consume.year,
      ...carried.event,
      ...carried.audit,
    ]);
    const expected = (consume.fund !== 0 ? 1 : 0) + (consume.account !== 0 ? 1 : 0);
    if (r?.carried !== 2) throw new Error(`settlement ${s.id}: its event and audit record were not written`);
    if (r.moved !== expected || r.visits !== 1)
      throw new Error(`settlement ${s.id}: allowance ${s.person_id}/${consume.year} missing to move by ${consume.fund}/${consume.account}`);
  }
  visitByMsgid(db: SqlRunner, hospitalCode: string, msgid: string): Promise<VisitRow | undefined> {
    return queryRow<VisitRow>(db, `SELECT ${VISIT_COLUMNS} FROM medical.visit WHERE hospital_code = $1 AND msgid = $2`, [
      hospitalCode,
      msgid,
    ]);
  }
  async setVisitState(db: SqlRunner, id: string, state: VisitRow['state']): Promise<void> {
    await db.query(`UPDATE medical.visit SET state = $2 WHERE id = $1`, [id, state]);
  }
  async upsertLines(
    db: SqlRunner,
    visitId: string,
    lines: readonly { lineNo: number; code: string; name: string; quantity: number; unitPriceFen: number }[],
  ): Promise<void> {
    for (const l of lines)
      await db.query(
        `INSERT INTO medical.fee_line (visit_id, line_no, code, name, quantity, unit_price_fen) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (visit_id, line_no) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name, quantity = EXCLUDED.quantity, unit_price_fen = EXCLUDED.unit_price_fen`,
        [visitId, l.lineNo, l.code, l.name, l.quantity, l.unitPriceFen],
      );
  }
  async withdrawLines(db: SqlRunner, visitId: string, lineNos: readonly number[] | null): Promise<number> {
    const r = lineNos
      ? await queryRows(db, `DELETE FROM medical.fee_line WHERE visit_id = $1 AND line_no = ANY($2) RETURNING line_no`, [visitId, lineNos])
      : await queryRows(db, `DELETE FROM medical.fee_line WHERE visit_id = $1 RETURNING line_no`, [visitId]);
    return r.length;
  }
  lines(db: SqlRunner, visitId: string): Promise<FeeLineRow[]> {
    return queryRows<FeeLineRow>(
      db,
      `SELECT line_no, code, name, quantity, unit_price_fen FROM medical.fee_line WHERE visit_id = $1 ORDER BY line_no`,
      [visitId],
    );
  }

  settlement(db: SqlRunner, id: string, lock = false): Promise<SettlementRow | undefined> {
    return queryRow<SettlementRow>(db, `SELECT ${SETTLEMENT_COLUMNS} FROM medical.settlement WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [
      id,
    ]);
  }
  /** A hospital's settlements, newest settlement day first (then id), after the cursor's (day, id). */
  listSettlements(db: SqlRunner, hospitalCode: string, q: { after?: { d: string; i: string }; limit: number }): Promise<SettlementRow[]> {
    return q.after
      ? queryRows<SettlementRow>(
          db,
          `SELECT ${SETTLEMENT_COLUMNS} FROM medical.settlement WHERE hospital_code = $1 AND (settled_on < $2::date OR (settled_on = $2::date AND id > $3))
            ORDER BY settled_on DESC, id LIMIT $4`,
          [hospitalCode, q.after.d, q.after.i, q.limit],
        )
      : queryRows<SettlementRow>(
          db,
          `SELECT ${SETTLEMENT_COLUMNS} FROM medical.settlement WHERE hospital_code = $1 ORDER BY settled_on DESC, id LIMIT $2`,
          [hospitalCode, q.limit],
        );
  }
  settlementByMsgid(db: SqlRunner, hospitalCode: string, msgid: string): Promise<SettlementRow | undefined> {
    return queryRow<SettlementRow>(db, `SELECT ${SETTLEMENT_COLUMNS} FROM medical.settlement WHERE hospital_code = $1 AND msgid = $2`, [
      hospitalCode,
      msgid,
    ]);
  }
  async markReversed(db: SqlRunner, id: string, on: string, msgid: string): Promise<void> {
    await db.query(`UPDATE medical.settlement SET state = 'reversed', reversed_on = $2, reversal_msgid = $3 WHERE id = $1`, [
      id,
      on,
      msgid,
    ]);
  }

  // the insured city's copies of settlements made elsewhere
  /** Saves the copy (once: a second one is ignored) if the person is insured in `insuredCity`; false when not (nothing saved). */
  async saveCopy(
    db: SqlRunner,
    c: { settlementId: string; treatingCity: string; personId: string; hospitalCode: string; settledOn: string; totals: SettlementTotals },
    insuredCity: string,
  ): Promise<boolean> {
    const r = await queryRow<{ insured_here: boolean }>(db, SAVE_SETTLEMENT_COPY, [
      c.settlementId,
      c.treatingCity,
      c.personId,
      c.hospitalCode,
      c.settledOn,
      c.totals.fund_pay_sumamt,
      c.totals.acct_pay,
      c.totals.medfee_sumamt,
      JSON.stringify(c.totals),
      insuredCity,
    ]);
    return r?.insured_here === true;
  }
  async reverseCopy(db: SqlRunner, settlementId: string, treatingCity: string, on: string): Promise<boolean> {
    const r = await queryRows(
      db,
      `UPDATE medical.settlement_copy SET reversed_on = $3 WHERE settlement_id = $1 AND treating_city = $2 AND reversed_on IS NULL RETURNING settlement_id`,
      [settlementId, treatingCity, on],
    );
    return r.length > 0;
  }
}

export type { CatalogueEntry, EntityManager };
