import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ContributionMonth, SocialInsuranceScheme, TransferAmounts, TransferEntry } from '@guangfo/contracts';
import { queryRow, queryRows } from '@guangfo/platform';
import { PersonIndex } from './person-index.js';

export interface PersonRow {
  id: string;
  idNumber: string;
  name: string | null;
}

interface ContributionRow {
  scheme: SocialInsuranceScheme;
  month: string;
  employer_uscc: string;
  base_fen: string;
  employer_fen: string;
  personal_fen: string;
  personal_account_fen: string;
  refunded_by: string | null;
}

export interface RecordRequestRow {
  id: string;
  person_id: string;
  purpose: string;
  case_id: string | null;
  requested_by: string;
  owner_sub: string | null;
  consent: { given: true; at: string; scope: string };
  asked_cities: string[];
  created_at: Date;
}

export interface ClaimRow {
  id: string;
  person_id: string;
  request_id: string;
  hukou_region: string;
  state: 'assembling' | 'aggregated';
  result: Record<string, unknown> | null;
  filed_by: string;
  owner_sub: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface TransferRow {
  id: string;
  person_id: string;
  from_city: string;
  to_city: string;
  certificate_no: string;
  temporary_account: boolean;
  entries: TransferEntry[];
  amounts: TransferAmounts | null;
  refund: Record<string, unknown> | null;
  months_cipher: string | null;
  received_fen: string | null;
  owner_sub: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface RetireeRow {
  id: string;
  person_id: string;
  residence_city: string;
  monthly_pension_fen: string;
  first_month: string;
  last_confirmed_on: string;
  stop_kind: 'death' | 'imprisonment' | null;
  stop_event_date: string | null;
  version: number;
}

export interface PaymentRow {
  month: string;
  amount_fen: string;
  kind: 'regular' | 'back-pay';
  run_month: string;
  recovered_by: string | null;
}

/** The SQL of schema `social_insurance`, rows typed once. */
@Injectable()
export class SocialInsuranceRepository {
  constructor(private readonly index: PersonIndex) {}

  async findPerson(em: EntityManager, idNumber: string): Promise<PersonRow | undefined> {
    const r = await queryRow<{ id: string; id_cipher: string; name_cipher: string | null }>(
      em,
      `SELECT id, id_cipher, name_cipher FROM social_insurance.person WHERE person_key = ANY($1)`,
      [this.index.candidates(idNumber)],
    );
    return r && this.personOf(r);
  }

  async personById(em: EntityManager, id: string): Promise<PersonRow> {
    const r = await queryRow<{ id: string; id_cipher: string; name_cipher: string | null }>(
      em,
      `SELECT id, id_cipher, name_cipher FROM social_insurance.person WHERE id = $1`,
      [id],
    );
    if (!r) throw new Error(`person ${id} missing`);
    return this.personOf(r);
  }

  private personOf(r: { id: string; id_cipher: string; name_cipher: string | null }): PersonRow {
    return {
      id: r.id,
      idNumber: this.index.openId(r.id, r.id_cipher),
      name: r.name_cipher ? this.index.openName(r.id, r.name_cipher) : null,
    };
  }

  /** The person's row, created on first sight; a name given later is kept. */
  async ensurePerson(em: EntityManager, idNumber: string, name?: string): Promise<PersonRow> {
    const found = await this.findPerson(em, idNumber);
    if (found) {
      if (name && !found.name)
        await em.query(`UPDATE social_insurance.person SET name_cipher = $2 WHERE id = $1`, [
          found.id,
          this.index.sealName(found.id, name),
        ]);
      return { ...found, name: found.name ?? name ?? null };
    }
    const id = randomUUID();
    const inserted = await queryRow<{ id: string }>(
      em,
      `INSERT INTO social_insurance.person (id, person_key, id_cipher, name_cipher) VALUES ($1, $2, $3, $4)
       ON CONFLICT (person_key) DO NOTHING RETURNING id`,
      [id, this.index.current(idNumber), this.index.sealId(id, idNumber), name ? this.index.sealName(id, name) : null],
    );
    if (!inserted) return (await this.findPerson(em, idNumber))!;
    return { id, idNumber, name: name ?? null };
  }

  /** Upserts one reported month: a correction by the same employer replaces it; another employer's month is refused (returns 'conflict'). */
  async upsertMonth(
    em: EntityManager,
    personId: string,
    c: Omit<ContributionMonth, 'city' | 'refunded'>,
    reportedBy: string,
    at: Date,
  ): Promise<'inserted' | 'replaced' | 'conflict'> {
    const r = await queryRow<{ inserted: boolean }>(
      em,
      `INSERT INTO social_insurance.contribution AS c (person_id, scheme, month, employer_uscc, base_fen, employer_fen, personal_fen, personal_account_fen, reported_by, reported_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (person_id, scheme, month) DO UPDATE SET base_fen = EXCLUDED.base_fen, employer_fen = EXCLUDED.employer_fen,
         personal_fen = EXCLUDED.personal_fen, personal_account_fen = EXCLUDED.personal_account_fen, reported_by = EXCLUDED.reported_by, reported_at = EXCLUDED.reported_at
       WHERE c.employer_uscc = EXCLUDED.employer_uscc AND c.refunded_by IS NULL
       RETURNING (xmax = 0) AS inserted`,
      [personId, c.scheme, c.month, c.employerUscc, c.baseFen, c.employerFen, c.personalFen, c.personalAccountFen, reportedBy, at],
    );
    return r === undefined ? 'conflict' : r.inserted ? 'inserted' : 'replaced';
  }

  async monthsOf(em: EntityManager, personId: string, city: string): Promise<ContributionMonth[]> {
    const rows = await queryRows<ContributionRow>(
      em,
      `SELECT scheme, month, employer_uscc, base_fen, employer_fen, personal_fen, personal_account_fen, refunded_by
         FROM social_insurance.contribution WHERE person_id = $1 ORDER BY month, scheme`,
      [personId],
    );
    return rows.map((r) => ({
      city,
      scheme: r.scheme,
      month: r.month,
      employerUscc: r.employer_uscc,
      baseFen: Number(r.base_fen),
      employerFen: Number(r.employer_fen),
      personalFen: Number(r.personal_fen),
      personalAccountFen: Number(r.personal_account_fen),
      refunded: r.refunded_by !== null,
    }));
  }

  /** Marks pension months refunded by `refundId`; only months not refunded before. */
  async markRefunded(em: EntityManager, personId: string, months: readonly string[], refundId: string): Promise<void> {
    await em.query(
      `UPDATE social_insurance.contribution SET refunded_by = $3 WHERE person_id = $1 AND scheme = 'employee-pension' AND month = ANY($2) AND refunded_by IS NULL`,
      [personId, months, refundId],
    );
  }

  sealMonths(purpose: string, months: ContributionMonth[]): string {
    return this.index.sealJson(purpose, months);
  }

  openMonths(purpose: string, sealed: string): ContributionMonth[] {
    return this.index.openJson<ContributionMonth[]>(purpose, sealed);
  }

  // ---- record requests and answers

  async insertRequest(em: EntityManager, r: Omit<RecordRequestRow, 'created_at'> & { created_at: Date }): Promise<void> {
    await em.query(
      `INSERT INTO social_insurance.record_request (id, person_id, purpose, case_id, requested_by, owner_sub, consent, asked_cities, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [r.id, r.person_id, r.purpose, r.case_id, r.requested_by, r.owner_sub, r.consent, r.asked_cities, r.created_at],
    );
  }

  findRequest(em: EntityManager, id: string): Promise<RecordRequestRow | undefined> {
    return queryRow<RecordRequestRow>(em, `SELECT * FROM social_insurance.record_request WHERE id = $1`, [id]);
  }

  /** Stores one city's answer once (a redelivery changes nothing); true when stored now. */
  async insertAnswer(em: EntityManager, requestId: string, city: string, months: ContributionMonth[], at: Date): Promise<boolean> {
    const r = await queryRow<{ request_id: string }>(
      em,
      `INSERT INTO social_insurance.record_answer (request_id, city, months_cipher, month_count, received_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING request_id`,
      [requestId, city, this.index.sealJson(`record-answer:${requestId}:${city}`, months), months.length, at],
    );
    return r !== undefined;
  }

  async answers(em: EntityManager, requestId: string): Promise<{ city: string; months: ContributionMonth[]; receivedAt: Date }[]> {
    const rows = await queryRows<{ city: string; months_cipher: string; received_at: Date }>(
      em,
      `SELECT city, months_cipher, received_at FROM social_insurance.record_answer WHERE request_id = $1 ORDER BY city`,
      [requestId],
    );
    return rows.map((r) => ({
      city: r.city,
      months: this.index.openJson<ContributionMonth[]>(`record-answer:${requestId}:${r.city}`, r.months_cipher),
      receivedAt: r.received_at,
    }));
  }

  // ---- claims

  async insertClaim(em: EntityManager, c: Omit<ClaimRow, 'version' | 'result'>): Promise<void> {
    await em.query(
      `INSERT INTO social_insurance.pension_claim (id, person_id, request_id, hukou_region, state, filed_by, owner_sub, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [c.id, c.person_id, c.request_id, c.hukou_region, c.state, c.filed_by, c.owner_sub, c.created_at, c.updated_at],
    );
  }

  findClaim(em: EntityManager, id: string, lock = false): Promise<ClaimRow | undefined> {
    return queryRow<ClaimRow>(em, `SELECT * FROM social_insurance.pension_claim WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  }

  claimOfRequest(em: EntityManager, requestId: string): Promise<ClaimRow | undefined> {
    return queryRow<ClaimRow>(em, `SELECT * FROM social_insurance.pension_claim WHERE request_id = $1 FOR UPDATE`, [requestId]);
  }

  async settleClaim(em: EntityManager, id: string, result: Record<string, unknown>, at: Date): Promise<void> {
    await em.query(
      `UPDATE social_insurance.pension_claim SET state = 'aggregated', result = $2, version = version + 1, updated_at = $3 WHERE id = $1`,
      [id, result, at],
    );
  }

  // ---- refunds

  async insertRefund(
    em: EntityManager,
    r: {
      id: string;
      caseId: string;
      personId: string;
      direction: 'requested' | 'paid';
      otherCity: string;
      months: string[];
      lines?: unknown;
      already?: string[];
      refundFen?: number;
      state: string;
      at: Date;
    },
  ): Promise<boolean> {
    const row = await queryRow<{ id: string }>(
      em,
      `INSERT INTO social_insurance.refund (id, case_id, person_id, direction, other_city, months, lines, already, refund_fen, state, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        r.id,
        r.caseId,
        r.personId,
        r.direction,
        r.otherCity,
        r.months,
        r.lines === undefined ? null : JSON.stringify(r.lines),
        r.already ?? null,
        r.refundFen ?? null,
        r.state,
        r.at,
      ],
    );
    return row !== undefined;
  }

  async completeRefund(
    em: EntityManager,
    id: string,
    p: { lines: unknown; already: string[]; refundFen: number; at: Date },
  ): Promise<void> {
    await em.query(
      `UPDATE social_insurance.refund SET lines = $2, already = $3, refund_fen = $4, state = 'refunded', updated_at = $5 WHERE id = $1 AND direction = 'requested'`,
      [id, JSON.stringify(p.lines), p.already, p.refundFen, p.at],
    );
  }

  refundsOfCase(
    em: EntityManager,
    caseId: string,
  ): Promise<
    {
      id: string;
      direction: string;
      other_city: string;
      months: string[];
      lines: unknown;
      already: string[] | null;
      refund_fen: string | null;
      state: string;
    }[]
  > {
    return queryRows(
      em,
      `SELECT id, direction, other_city, months, lines, already, refund_fen, state FROM social_insurance.refund WHERE case_id = $1 ORDER BY created_at, id`,
      [caseId],
    );
  }

  // ---- transfers

  async insertTransfer(
    em: EntityManager,
    t: Omit<TransferRow, 'version' | 'amounts' | 'refund' | 'months_cipher' | 'received_fen'>,
  ): Promise<void> {
    await em.query(
      `INSERT INTO social_insurance.transfer (id, person_id, from_city, to_city, certificate_no, temporary_account, entries, owner_sub, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        t.id,
        t.person_id,
        t.from_city,
        t.to_city,
        t.certificate_no,
        t.temporary_account,
        JSON.stringify(t.entries),
        t.owner_sub,
        t.created_at,
        t.updated_at,
      ],
    );
  }

  findTransfer(em: EntityManager, id: string, lock = false): Promise<TransferRow | undefined> {
    return queryRow<TransferRow>(em, `SELECT * FROM social_insurance.transfer WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  }

  async updateTransfer(
    em: EntityManager,
    id: string,
    p: { entries: TransferEntry[]; amounts?: TransferAmounts; refund?: unknown; monthsCipher?: string; receivedFen?: number; at: Date },
  ): Promise<void> {
    await em.query(
      `UPDATE social_insurance.transfer SET entries = $2, amounts = COALESCE($3, amounts), refund = COALESCE($4, refund), months_cipher = COALESCE($5, months_cipher),
         received_fen = COALESCE($6, received_fen), version = version + 1, updated_at = $7 WHERE id = $1`,
      [
        id,
        JSON.stringify(p.entries),
        p.amounts ? JSON.stringify(p.amounts) : null,
        p.refund ? JSON.stringify(p.refund) : null,
        p.monthsCipher ?? null,
        p.receivedFen ?? null,
        p.at,
      ],
    );
  }

  async bookFunds(
    em: EntityManager,
    f: {
      reference: string;
      transferId: string;
      direction: 'out' | 'in';
      fromCity: string;
      toCity: string;
      personalAccountFen: number;
      pooledFen: number;
      at: Date;
    },
  ): Promise<void> {
    await em.query(
      `INSERT INTO social_insurance.fund_transfer (reference, transfer_id, direction, from_city, to_city, personal_account_fen, pooled_fen, amount_fen, booked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
      [
        f.reference,
        f.transferId,
        f.direction,
        f.fromCity,
        f.toCity,
        f.personalAccountFen,
        f.pooledFen,
        f.personalAccountFen + f.pooledFen,
        f.at,
      ],
    );
  }

  fundsOf(
    em: EntityManager,
    transferId: string,
  ): Promise<{ reference: string; direction: string; from_city: string; to_city: string; amount_fen: string }[]> {
    return queryRows(
      em,
      `SELECT reference, direction, from_city, to_city, amount_fen FROM social_insurance.fund_transfer WHERE transfer_id = $1 ORDER BY direction`,
      [transferId],
    );
  }

  // ---- retirees

  async insertRetiree(
    em: EntityManager,
    r: {
      id: string;
      personId: string;
      residenceCity: string;
      monthlyPensionFen: number;
      firstMonth: string;
      lastConfirmedOn: string;
      at: Date;
    },
  ): Promise<boolean> {
    const row = await queryRow<{ id: string }>(
      em,
      `INSERT INTO social_insurance.retiree (id, person_id, residence_city, monthly_pension_fen, first_month, last_confirmed_on, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (person_id) DO NOTHING RETURNING id`,
      [r.id, r.personId, r.residenceCity, r.monthlyPensionFen, r.firstMonth, r.lastConfirmedOn, r.at],
    );
    return row !== undefined;
  }

  static readonly RETIREE_COLUMNS = `id, person_id, residence_city, monthly_pension_fen, first_month, to_char(last_confirmed_on, 'YYYY-MM-DD') AS last_confirmed_on,
    stop_kind, to_char(stop_event_date, 'YYYY-MM-DD') AS stop_event_date, version`;

  findRetiree(em: EntityManager, id: string, lock = false): Promise<RetireeRow | undefined> {
    return queryRow<RetireeRow>(
      em,
      `SELECT ${SocialInsuranceRepository.RETIREE_COLUMNS} FROM social_insurance.retiree WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
  }

  retireeOfPerson(em: EntityManager, personId: string): Promise<RetireeRow | undefined> {
    return queryRow<RetireeRow>(
      em,
      `SELECT ${SocialInsuranceRepository.RETIREE_COLUMNS} FROM social_insurance.retiree WHERE person_id = $1 FOR UPDATE`,
      [personId],
    );
  }

  allRetireeIds(em: EntityManager): Promise<{ id: string }[]> {
    return queryRows(em, `SELECT id FROM social_insurance.retiree ORDER BY created_at, id`);
  }

  async confirmRetiree(em: EntityManager, id: string, confirmedOn: string, at: Date): Promise<void> {
    await em.query(
      `UPDATE social_insurance.retiree SET last_confirmed_on = GREATEST(last_confirmed_on, $2::date), version = version + 1, updated_at = $3 WHERE id = $1`,
      [id, confirmedOn, at],
    );
  }

  async stopRetiree(em: EntityManager, id: string, kind: string, eventDate: string, at: Date): Promise<void> {
    await em.query(
      `UPDATE social_insurance.retiree SET stop_kind = $2, stop_event_date = LEAST(COALESCE(stop_event_date, $3::date), $3::date), version = version + 1, updated_at = $4 WHERE id = $1`,
      [id, kind, eventDate, at],
    );
  }

  payments(em: EntityManager, retireeId: string): Promise<PaymentRow[]> {
    return queryRows<PaymentRow>(
      em,
      `SELECT month, amount_fen, kind, run_month, recovered_by FROM social_insurance.pension_payment WHERE retiree_id = $1 ORDER BY month`,
      [retireeId],
    );
  }

  async insertPayment(
    em: EntityManager,
    p: { retireeId: string; month: string; amountFen: number; kind: string; runMonth: string; at: Date },
  ): Promise<void> {
    await em.query(
      `INSERT INTO social_insurance.pension_payment (retiree_id, month, amount_fen, kind, run_month, paid_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [p.retireeId, p.month, p.amountFen, p.kind, p.runMonth, p.at],
    );
  }

  async insertRecovery(
    em: EntityManager,
    r: { id: string; retireeId: string; noticeId: string; reason: string; months: string[]; amountFen: number; at: Date },
  ): Promise<boolean> {
    const row = await queryRow<{ id: string }>(
      em,
      `INSERT INTO social_insurance.recovery (id, retiree_id, notice_id, reason, months, amount_fen, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (notice_id) DO NOTHING RETURNING id`,
      [r.id, r.retireeId, r.noticeId, r.reason, r.months, r.amountFen, r.at],
    );
    if (row)
      await em.query(
        `UPDATE social_insurance.pension_payment SET recovered_by = $3 WHERE retiree_id = $1 AND month = ANY($2) AND recovered_by IS NULL`,
        [r.retireeId, r.months, r.id],
      );
    return row !== undefined;
  }

  recoveries(
    em: EntityManager,
    retireeId: string,
  ): Promise<{ id: string; reason: string; months: string[]; amount_fen: string; created_at: Date }[]> {
    return queryRows(
      em,
      `SELECT id, reason, months, amount_fen, created_at FROM social_insurance.recovery WHERE retiree_id = $1 ORDER BY created_at`,
      [retireeId],
    );
  }

  async insertLifeNotice(
    em: EntityManager,
    n: {
      id: string;
      direction: 'sent' | 'received';
      kind: string;
      otherCity: string;
      personId: string;
      eventDate: string;
      method?: string;
      createdBy: string;
      at: Date;
    },
  ): Promise<boolean> {
    const row = await queryRow<{ id: string }>(
      em,
      `INSERT INTO social_insurance.life_notice (id, direction, kind, other_city, person_id, event_date, method, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [n.id, n.direction, n.kind, n.otherCity, n.personId, n.eventDate, n.method ?? null, n.createdBy, n.at],
    );
    return row !== undefined;
  }
}
