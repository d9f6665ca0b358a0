import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type FilingStanding,
  MedicalAllowanceRequestedV1,
  MedicalSettlementRecordedV1,
  MedicalSettlementReversedV1,
  type Pot,
  POTS,
  type SettlementTotals,
  type VisitType,
} from '@guangfo/contracts';
import {
  Clock,
  cursorField,
  cursorShape,
  decodeCursor,
  encodeCursor,
  maskIdNumber,
  maskName,
  normalizeResidentId,
  toShanghaiDate,
} from '@guangfo/kernel';
import { OutboxService } from '@guangfo/messaging';
import {
  actorOf,
  AuditService,
  auditParams,
  isUniqueViolation,
  NODE_CONFIG,
  type NodeConfig,
  type PartnerPrincipal,
} from '@guangfo/platform';
import { availableFen, needsTopUp } from '../domain/allowance.js';
import { calculateSettlement, type LineResult, SettlementInputError, settlementBalances } from '../domain/settlement-calculator.js';
import { medicalError } from '../medical.errors.js';
import {
  allowanceOf,
  type AllowanceRow,
  type FeeLineRow,
  type FilingRow,
  type HospitalRow,
  MedicalRepository,
  SETTLEMENT_MSGID_UNIQUE,
  type SettlementRow,
  type VisitRow,
} from '../infrastructure/medical.repository.js';
import { PersonSeal } from '../infrastructure/person.seal.js';
import { FilingService } from './filing.service.js';
import { ReferenceDataService } from './reference-data.service.js';
import { partnerHospital } from './partner-hospital.js';

/** msgid (national interface header): the 12-character institution code, yyyyMMddHHmmss, a 4-digit sequence — 30 characters. */
export const MSGID_PATTERN = /^([A-Z0-9]{12})(\d{14})(\d{4})$/;

export interface FeeLineInput {
  lineNo: number;
  code: string;
  name: string;
  quantity: number;
  unitPriceFen: number;
}

export interface PersonInfoView {
  personId: string;
  insuredCity: string;
  name: string;
  idNumber: string;
  filings: { id: string; kind: string; validFrom: string; validTo: string | null; cancelledOn: string | null; coversToday: boolean }[];
  allowance: { year: number; fundAvailableFen: number; accountAvailableFen: number };
}

export interface VisitView {
  id: string;
  hospitalCode: string;
  personId: string;
  filingId: string;
  insuredCity: string;
  visitType: VisitType;
  begunOn: string;
  state: string;
  msgid: string;
  lines: FeeLineInput[];
}

export interface SettlementView {
  id: string | null;
  visitId: string;
  state: 'pre-settlement' | 'settled' | 'reversed';
  insuredCity: string;
  treatingCity: string;
  hospitalCode: string;
  hospitalLevel: string;
  visitType: string;
  standing: string;
  ratioBp: number;
  settledOn: string;
  reversedOn: string | null;
  totals: SettlementTotals;
  shortfall: { fen: number; reason: string; explain: string } | null;
  lines: LineResult[];
  policyVersion: string;
  catalogueVersion: string;
  msgid: string | null;
}

/** Settlement page cursor: settlement day and id of the last row. */
type SettlementCursor = {
  d: string;
  i: string;
};
const isSettlementCursor = cursorShape<SettlementCursor>({ d: cursorField.date, i: cursorField.uuid });

/**
 * Real-time settlement (直接结算) at the treating city's node, for its designated hospitals (partner keys bound to a hospital).
 * Never waits for the insured city: its policy and the person's allowance are local replicas. A settlement locks the
 * person's allowance rows (FOR UPDATE), so concurrent settlements of one person queue and never spend the same fen twice;
 * the row's CHECK (consumed ≤ granted) is the second guard. Idempotent on msgid per hospital.
 */
@Injectable()
export class SettlementService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly dataSource: DataSource,
    private readonly repo: MedicalRepository,
    private readonly reference: ReferenceDataService,
    private readonly seal: PersonSeal,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async hospital(p: PartnerPrincipal, em?: EntityManager): Promise<HospitalRow> {
    return partnerHospital(this.repo, em ?? this.dataSource, p, this.config.cityCode);
  }

  /** 1101-like: a person's registration and insured area, as this city knows them (masked; audited). */
  async personInfo(p: PartnerPrincipal, idNumberInput: string): Promise<PersonInfoView> {
    const h = await this.hospital(p);
    const idNumber = normalizeResidentId(idNumberInput);
    if (!idNumber)
      throw medicalError('MEDICAL_PERSON_INVALID', {
        detail: 'idNumber is an 18-character GB 11643 number',
        fieldErrors: [{ field: 'idNumber', rule: 'isResidentId', message: 'invalid' }],
      });
    const view = await this.dataSource.transaction(async (em): Promise<PersonInfoView | null> => {
      const person = await this.repo.personByKey(em, null, this.seal.personKey(idNumber));
      const filings = person ? await this.repo.filingsOf(em, person.id, this.config.cityCode) : [];
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.person.query',
          resource: person ? `medical-person:${person.id}` : 'medical-person:unknown',
          outcome: person && filings.length ? 'success' : 'rejected',
          detail: { infno: '1101', hospital: h.hospital_code },
        },
        em,
      );
      if (!person || !filings.length) return null;
      const today = toShanghaiDate(this.clock.now());
      const year = Number(today.slice(0, 4));
      const allowances = await this.repo.allowances(em, person.id, year, false);
      const avail = (pot: Pot) => {
        const a = allowances.find((x) => x.pot === pot);
        return a ? availableFen(allowanceOf(a)) : 0;
      };
      const covering = FilingService.covering(filings, today);
      return {
        personId: person.id,
        insuredCity: person.insured_city,
        name: maskName(this.seal.open(person.id, 'name', person.name_sealed)),
        idNumber: maskIdNumber(idNumber),
        filings: filings.map((f) => ({
          id: f.id,
          kind: f.kind,
          validFrom: f.valid_from,
          validTo: f.valid_to,
          cancelledOn: f.cancelled_on,
          coversToday: f.id === covering?.id,
        })),
        allowance: { year, fundAvailableFen: avail('hifp'), accountAvailableFen: avail('acct') },
      };
    });
    // Audited above whatever the answer; the refusal comes after the record has committed.
    if (!view) throw medicalError('MEDICAL_NOT_REGISTERED', { detail: 'no 备案 for this person at this city' });
    return view;
  }

  /** 2201 (outpatient registration) / 2401-like admission: a visit of a registered person at this hospital. */
  async registerVisit(
    p: PartnerPrincipal,
    cmd: { idNumber: string; visitType: VisitType; begunOn?: string; msgid: string; insuredCity?: string },
  ): Promise<VisitView> {
    const h = await this.hospital(p);
    this.checkMsgid(h, cmd.msgid);
    const idNumber = normalizeResidentId(cmd.idNumber);
    if (!idNumber) throw medicalError('MEDICAL_PERSON_INVALID', { detail: 'idNumber is an 18-character GB 11643 number' });
    const begunOn = cmd.begunOn ?? toShanghaiDate(this.clock.now());
    return this.dataSource.transaction(async (em) => {
      const person = await this.repo.personByKey(em, null, this.seal.personKey(idNumber));
      const filing = person ? FilingService.covering(await this.repo.filingsOf(em, person.id, this.config.cityCode), begunOn) : undefined;
      if (!person || !filing)
        throw medicalError('MEDICAL_NOT_REGISTERED', { detail: `no 备案 at ${this.config.cityCode} covers ${begunOn}` });
      if (cmd.insuredCity && cmd.insuredCity !== person.insured_city)
        throw medicalError('MEDICAL_AREA_MISMATCH', { detail: `the person is insured at ${person.insured_city}` });
      const registered = await this.repo.insertVisit(em, {
        id: randomUUID(),
        hospital_code: h.hospital_code,
        partner_id: p.id,
        person_id: person.id,
        filing_id: filing.id,
        insured_city: person.insured_city,
        visit_type: cmd.visitType,
        begun_on: begunOn,
        state: 'open',
        msgid: cmd.msgid,
      });
      // The same msgid again is the same registration; for another person, visit type or day it is a reused msgid.
      if (registered.person_id !== person.id || registered.visit_type !== cmd.visitType || registered.begun_on !== begunOn)
        throw medicalError('MEDICAL_MSGID_REUSED', { detail: `msgid ${cmd.msgid} registered visit ${registered.id}` });
      const v = registered;
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.visit.register',
          resource: `medical-visit:${v.id}`,
          outcome: 'success',
          detail: { visitType: v.visit_type, msgid: cmd.msgid },
        },
        em,
      );
      return this.visitView(em, v);
    });
  }

  async getVisit(p: PartnerPrincipal, visitId: string): Promise<VisitView> {
    const h = await this.hospital(p);
    const v = await this.ownVisit(this.dataSource, h, visitId, false);
    return this.visitView(this.dataSource, v);
  }

  /** 2202: reverses a registration with no live settlement. */
  async cancelVisit(p: PartnerPrincipal, visitId: string): Promise<VisitView> {
    const h = await this.hospital(p);
    return this.dataSource.transaction(async (em) => {
      const v = await this.ownVisit(em, h, visitId, true);
      if (v.state !== 'open') throw medicalError('MEDICAL_VISIT_NOT_OPEN', { detail: `visit is ${v.state}` });
      await this.repo.setVisitState(em, v.id, 'cancelled');
      await this.audit.record(
        { actor: actorOf(p), action: 'medical.visit.cancel', resource: `medical-visit:${v.id}`, outcome: 'success' },
        em,
      );
      return this.visitView(em, { ...v, state: 'cancelled' });
    });
  }

  /** 2204 / 2301: uploads fee lines (a line number again replaces that line). */
  async uploadLines(p: PartnerPrincipal, visitId: string, lines: readonly FeeLineInput[]): Promise<VisitView> {
    const h = await this.hospital(p);
    const nos = new Set<number>();
    for (const l of lines) {
      if (nos.has(l.lineNo)) throw medicalError('MEDICAL_FEE_LINES_INVALID', { detail: `line ${l.lineNo} twice` });
      nos.add(l.lineNo);
      if (!Number.isSafeInteger(l.quantity * l.unitPriceFen))
        throw medicalError('MEDICAL_FEE_LINES_INVALID', { detail: `line ${l.lineNo}: amount out of range` });
    }
    return this.dataSource.transaction(async (em) => {
      const v = await this.ownVisit(em, h, visitId, true);
      if (v.state !== 'open') throw medicalError('MEDICAL_VISIT_NOT_OPEN', { detail: `visit is ${v.state}` });
      await this.repo.upsertLines(em, v.id, lines);
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.fee-lines.upload',
          resource: `medical-visit:${v.id}`,
          outcome: 'success',
          detail: { lines: lines.length },
        },
        em,
      );
      return this.visitView(em, v);
    });
  }

  /** 2205 / 2302: withdraws fee lines (all when none named). */
  async withdrawLines(p: PartnerPrincipal, visitId: string, lineNos: readonly number[] | null): Promise<VisitView> {
    const h = await this.hospital(p);
    return this.dataSource.transaction(async (em) => {
      const v = await this.ownVisit(em, h, visitId, true);
      if (v.state !== 'open') throw medicalError('MEDICAL_VISIT_NOT_OPEN', { detail: `visit is ${v.state}` });
      await this.repo.withdrawLines(em, v.id, lineNos);
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.fee-lines.withdraw',
          resource: `medical-visit:${v.id}`,
          outcome: 'success',
          detail: { lineNos },
        },
        em,
      );
      return this.visitView(em, v);
    });
  }

  /** 2206 / 2303: the settlement as it would be now; nothing is written. */
  async preSettle(p: PartnerPrincipal, visitId: string, useAccount = true): Promise<SettlementView> {
    const h = await this.hospital(p);
    const v = await this.ownVisit(this.dataSource, h, visitId, false);
    if (v.state !== 'open') throw medicalError('MEDICAL_VISIT_NOT_OPEN', { detail: `visit is ${v.state}` });
    const settledOn = toShanghaiDate(this.clock.now());
    const inputs = await this.repo.settlementInputs(this.dataSource, {
      visitId: v.id,
      filingId: v.filing_id,
      personId: v.person_id,
      year: Number(settledOn.slice(0, 4)),
      lock: false,
    });
    const { view } = await this.compute(this.dataSource, h, v, inputs, settledOn, useAccount);
    return view;
  }

  /** 2207 / 2304: settles (idempotent on msgid: the same msgid answers the same settlement). */
  async settle(
    p: PartnerPrincipal,
    visitId: string,
    msgid: string,
    useAccount = true,
  ): Promise<{ view: SettlementView; replayed: boolean }> {
    let visit: { id: string; hospital_code: string } | undefined;
    return this.dataSource
      .transaction(async (em): Promise<{ view: SettlementView; replayed: boolean }> => {
        // The hot path (issue 14: p99 at 200 claims/s): the visit is locked together with the hospital binding check, then
        // everything the calculation reads comes in one round trip, and the settlement is written in one statement.
        const v = await this.repo.lockVisitOfPartner(em, visitId, p.id, this.config.cityCode);
        if (!v) {
          // Which error: not a hospital, a malformed msgid, or not this hospital's visit (in that order, as everywhere).
          this.checkMsgid(await this.hospital(p, em), msgid);
          throw medicalError('MEDICAL_VISIT_NOT_FOUND', { detail: `no visit ${visitId} at this hospital` });
        }
        const h = { hospital_code: v.hospital_code, level: v.hospital_level };
        this.checkMsgid(h, msgid);
        visit = v;
        if (v.state !== 'open') {
          const earlier = await this.earlierSettlement(em, v, msgid);
          if (earlier) return earlier;
          throw medicalError('MEDICAL_VISIT_NOT_OPEN', { detail: `visit is ${v.state}` });
        }
        const settledOn = toShanghaiDate(this.clock.now());
        const year = Number(settledOn.slice(0, 4));
        const inputs = await this.repo.settlementInputs(em, {
          visitId: v.id,
          filingId: v.filing_id,
          personId: v.person_id,
          year,
          lock: true,
        });
        const { view, result, allowances, policy } = await this.compute(em, h, v, inputs, settledOn, useAccount);
        const id = randomUUID();
        const now = this.clock.now();
        // The settlement's event and audit record ride in the settlement's own statement (one round trip for three writes).
        const recorded = this.outbox.stage({
          contract: MedicalSettlementRecordedV1,
          domain: 'medical',
          subject: id,
          toCity: v.insured_city,
          data: {
            settlementId: id,
            personId: v.person_id,
            filingId: v.filing_id,
            hospitalCode: h.hospital_code,
            hospitalLevel: h.level,
            visitType: v.visit_type,
            settledOn: view.settledOn,
            ratioBp: view.ratioBp,
            policyVersion: view.policyVersion,
            catalogueVersion: view.catalogueVersion,
            totals: result.totals,
          },
        });
        const audited = auditParams({
          actor: actorOf(p),
          action: 'medical.settle',
          resource: `medical-settlement:${id}`,
          outcome: 'success',
          detail: { msgid, fund: result.totals.fund_pay_sumamt, acct: result.totals.acct_pay, cash: result.totals.psn_cash_pay },
        });
        await this.repo.recordSettlement(
          em,
          {
            id,
            visit_id: v.id,
            hospital_code: h.hospital_code,
            person_id: v.person_id,
            filing_id: v.filing_id,
            insured_city: v.insured_city,
            visit_type: v.visit_type,
            hospital_level: h.level,
            standing: view.standing,
            ratio_bp: view.ratioBp,
            settled_on: view.settledOn,
            settled_at: now,
            fund_fen: String(result.totals.fund_pay_sumamt),
            acct_fen: String(result.totals.acct_pay),
            cash_fen: String(result.totals.psn_cash_pay),
            total_fen: String(result.totals.medfee_sumamt),
            totals: result.totals,
            lines: result.lines,
            shortfall: view.shortfall,
            policy_version: view.policyVersion,
            catalogue_version: view.catalogueVersion,
            msgid,
          },
          { year, fund: result.totals.hifp_pay, account: result.totals.acct_pay },
          { event: recorded.params, audit: audited },
        );
        this.outbox.added();
        // Running low: ask the insured city for a top-up (once until a grant arrives). Settlement never waits for it.
        for (const pot of POTS) {
          const a = allowances.find((x) => x.pot === pot);
          // No allowance for this year yet (e.g. the first settlement of a new year): an empty row, then a request for a grant.
          if (!a) await this.repo.applyGrant(em, { personId: v.person_id, year, pot, insuredCity: v.insured_city, grantedTotalFen: 0 });
          const spent = pot === 'hifp' ? result.totals.hifp_pay : result.totals.acct_pay;
          const held = a ? allowanceOf(a) : { grantedFen: 0, consumedFen: 0, returnedFen: 0 };
          const after = { ...held, consumedFen: held.consumedFen + spent };
          // Already asked (the locked row says so): no statement needed.
          if (
            needsTopUp(after, policy.allowanceChunkFen) &&
            !a?.requested_at &&
            (await this.repo.markRequested(em, v.person_id, year, pot))
          )
            await this.outbox.add(em, {
              contract: MedicalAllowanceRequestedV1,
              domain: 'medical',
              subject: `${v.person_id}:${year}:${pot}`,
              toCity: v.insured_city,
              data: { personId: v.person_id, year, pot, grantedFen: after.grantedFen, consumedFen: after.consumedFen },
            });
        }
        return { view: { ...view, id, state: 'settled', msgid }, replayed: false };
      })
      .catch(async (err: unknown) => {
        // The msgid was used before by this hospital (its unique index refused the insert; the transaction is rolled back): a
        // replay of this visit's settlement (reversed since, so the visit is open again) answers the same, another visit's is refused.
        if (!visit || !isUniqueViolation(err, SETTLEMENT_MSGID_UNIQUE)) throw err;
        const earlier = await this.earlierSettlement(this.dataSource, visit, msgid);
        if (!earlier) throw err;
        return earlier;
      });
  }

  /** The settlement this hospital already made under `msgid`: a replay if it settled `visit`; MEDICAL_MSGID_REUSED if another. */
  private async earlierSettlement(
    db: EntityManager | DataSource,
    visit: { id: string; hospital_code: string },
    msgid: string,
  ): Promise<{ view: SettlementView; replayed: boolean } | undefined> {
    const earlier = await this.repo.settlementByMsgid(db, visit.hospital_code, msgid);
    if (!earlier) return undefined;
    if (earlier.visit_id !== visit.id)
      throw medicalError('MEDICAL_MSGID_REUSED', { detail: `msgid ${msgid} settled visit ${earlier.visit_id}` });
    return { view: this.settlementView(earlier), replayed: true };
  }

  /** 2208 / 2305: reverses a settlement; its fund and account allowance are restored here. Idempotent on msgid. */
  async reverse(p: PartnerPrincipal, settlementId: string, msgid: string): Promise<{ view: SettlementView; replayed: boolean }> {
    const h = await this.hospital(p);
    this.checkMsgid(h, msgid);
    return this.dataSource.transaction(async (em) => {
      const s = await this.repo.settlement(em, settlementId, true);
      if (!s || s.hospital_code !== h.hospital_code)
        throw medicalError('MEDICAL_SETTLEMENT_NOT_FOUND', { detail: `no settlement ${settlementId} of this hospital` });
      if (s.state === 'reversed') {
        if (s.reversal_msgid === msgid) return { view: this.settlementView(s), replayed: true };
        throw medicalError('MEDICAL_ALREADY_REVERSED', { detail: `reversed on ${s.reversed_on}` });
      }
      const year = Number(s.settled_on.slice(0, 4));
      await this.repo.allowances(em, s.person_id, year, true);
      await this.repo.moveAllowances(em, s.person_id, year, -Number(s.fund_fen), -Number(s.acct_fen));
      const on = toShanghaiDate(this.clock.now());
      await this.repo.markReversed(em, s.id, on, msgid);
      await this.repo.setVisitState(em, s.visit_id, 'open');
      await this.outbox.add(em, {
        contract: MedicalSettlementReversedV1,
        domain: 'medical',
        subject: s.id,
        toCity: s.insured_city,
        data: { settlementId: s.id, personId: s.person_id, reversedOn: on },
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.settle.reverse',
          resource: `medical-settlement:${s.id}`,
          outcome: 'success',
          detail: { msgid },
        },
        em,
      );
      return { view: this.settlementView({ ...s, state: 'reversed', reversed_on: on, reversal_msgid: msgid }), replayed: false };
    });
  }

  /** The settlement this hospital made with `msgid` (2601 冲正 names the original message). */
  async settlementByMsgid(p: PartnerPrincipal, msgid: string): Promise<SettlementView> {
    const h = await this.hospital(p);
    const s = await this.repo.settlementByMsgid(this.dataSource, h.hospital_code, msgid);
    if (!s) throw medicalError('MEDICAL_SETTLEMENT_NOT_FOUND', { detail: `no settlement of this hospital with msgid ${msgid}` });
    return this.settlementView(s);
  }

  /** The visit this hospital registered with `msgid`. */
  async visitByMsgid(p: PartnerPrincipal, msgid: string): Promise<VisitView> {
    const h = await this.hospital(p);
    const v = await this.repo.visitByMsgid(this.dataSource, h.hospital_code, msgid);
    if (!v) throw medicalError('MEDICAL_VISIT_NOT_FOUND', { detail: `no visit of this hospital with msgid ${msgid}` });
    return this.visitView(this.dataSource, v);
  }

  /**
   * A hospital's own settlements, newest settlement day first, cursor-paged (`MEDICAL_NOT_YOUR_HOSPITAL` for another hospital's
   * code: a hospital never lists another's). The read is audited.
   */
  async listSettlements(
    p: PartnerPrincipal,
    hospitalCode: string,
    q: { cursor?: string; limit?: number },
  ): Promise<{ items: SettlementView[]; nextCursor: string | null }> {
    const h = await this.hospital(p);
    if (hospitalCode !== h.hospital_code)
      throw medicalError('MEDICAL_NOT_YOUR_HOSPITAL', { detail: `this key is bound to hospital ${h.hospital_code}, not ${hospitalCode}` });
    const limit = q.limit ?? 20;
    let after: SettlementCursor | undefined;
    if (q.cursor) {
      after = decodeCursor(q.cursor, isSettlementCursor);
      if (!after) throw medicalError('MEDICAL_INVALID_CURSOR', { detail: 'cursor is not one this API returned' });
    }
    return this.dataSource.transaction(async (em) => {
      const rows = await this.repo.listSettlements(em, h.hospital_code, { after, limit: limit + 1 });
      const page = rows.slice(0, limit);
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.settlement.list',
          resource: `medical-hospital:${h.hospital_code}`,
          outcome: 'success',
          detail: { count: page.length },
        },
        em,
      );
      const last = page[page.length - 1];
      return {
        items: page.map((r) => this.settlementView(r)),
        nextCursor: rows.length > limit && last ? encodeCursor({ d: last.settled_on, i: last.id } satisfies SettlementCursor) : null,
      };
    });
  }

  async getSettlement(p: PartnerPrincipal, id: string): Promise<SettlementView> {
    const h = await this.hospital(p);
    const s = await this.repo.settlement(this.dataSource, id);
    if (!s || s.hospital_code !== h.hospital_code)
      throw medicalError('MEDICAL_SETTLEMENT_NOT_FOUND', { detail: `no settlement ${id} of this hospital` });
    return this.settlementView(s);
  }

  checkMsgid(h: Pick<HospitalRow, 'hospital_code'>, msgid: string): void {
    const m = MSGID_PATTERN.exec(msgid ?? '');
    if (!m || m[1] !== h.hospital_code)
      throw medicalError('MEDICAL_MSGID_INVALID', {
        detail: `msgid is ${h.hospital_code} + yyyyMMddHHmmss + 4 digits (30 characters)`,
        fieldErrors: [{ field: 'msgid', rule: 'isMsgid', message: 'invalid' }],
      });
  }

  /** `db`: the transaction when settling (a second pool connection inside it could starve the pool under load). */
  private async compute(
    db: EntityManager | DataSource,
    h: Pick<HospitalRow, 'hospital_code' | 'level'>,
    v: VisitRow,
    inputs: { lines: FeeLineRow[]; filing: FilingRow | undefined; allowances: AllowanceRow[] },
    settledOn: string,
    useAccount: boolean,
  ) {
    const { lines, filing } = inputs;
    if (!lines.length) throw medicalError('MEDICAL_NO_FEE_LINES', { detail: 'upload fee lines (2204 / 2301) first' });
    // The 备案 must still cover the visit (a cancellation reaches us as an event).
    const standing: FilingStanding =
      filing && FilingService.covering([filing], v.begun_on) ? (filing.kind as FilingStanding) : 'unregistered';
    if (standing === 'unregistered') throw medicalError('MEDICAL_NOT_REGISTERED', { detail: `the 备案 no longer covers ${v.begun_on}` });
    const policy = await this.reference.policy(db, v.insured_city, v.begun_on);
    const catalogue = await this.reference.catalogue(db, v.begun_on);
    const allowances = inputs.allowances.filter((a) => a.insured_city === v.insured_city);
    const avail = (pot: Pot) => {
      const a = allowances.find((x) => x.pot === pot);
      return a ? availableFen(allowanceOf(a)) : 0;
    };
    let result;
    try {
      result = calculateSettlement({
        visitType: v.visit_type,
        hospitalLevel: h.level,
        standing,
        policy,
        catalogue: (code) => catalogue.byCode.get(code),
        lines: lines.map((l) => ({ lineNo: l.line_no, code: l.code, quantity: l.quantity, unitPriceFen: Number(l.unit_price_fen) })),
        fundAvailableFen: avail('hifp'),
        accountAvailableFen: useAccount ? avail('acct') : 0,
      });
    } catch (err) {
      if (err instanceof SettlementInputError) throw medicalError('MEDICAL_FEE_LINES_INVALID', { detail: err.message });
      throw err;
    }
    if (!settlementBalances(result)) throw new Error(`settlement of visit ${v.id} does not balance`);
    const view: SettlementView = {
      id: null,
      visitId: v.id,
      state: 'pre-settlement',
      insuredCity: v.insured_city,
      treatingCity: this.config.cityCode,
      hospitalCode: h.hospital_code,
      hospitalLevel: h.level,
      visitType: v.visit_type,
      standing,
      ratioBp: result.ratioBp,
      settledOn,
      reversedOn: null,
      totals: result.totals,
      shortfall: result.shortfall
        ? {
            ...result.shortfall,
            explain: `本人在就医地的统筹基金额度不足 (参保地年度限额按额度下发), ${result.shortfall.fen} 分转由个人负担; 额度补充后可办理后续结算`,
          }
        : null,
      lines: result.lines,
      policyVersion: policy.version,
      catalogueVersion: catalogue.version,
      msgid: null,
    };
    return { view, result, allowances, policy };
  }

  private async ownVisit(db: EntityManager | DataSource, h: HospitalRow, id: string, lock: boolean): Promise<VisitRow> {
    const v = await this.repo.visit(db, id, lock);
    if (!v || v.hospital_code !== h.hospital_code)
      throw medicalError('MEDICAL_VISIT_NOT_FOUND', { detail: `no visit ${id} at this hospital` });
    return v;
  }

  private async visitView(db: EntityManager | DataSource, v: VisitRow): Promise<VisitView> {
    const lines = await this.repo.lines(db, v.id);
    return {
      id: v.id,
      hospitalCode: v.hospital_code,
      personId: v.person_id,
      filingId: v.filing_id,
      insuredCity: v.insured_city,
      visitType: v.visit_type,
      begunOn: v.begun_on,
      state: v.state,
      msgid: v.msgid,
      lines: lines.map((l) => ({
        lineNo: l.line_no,
        code: l.code,
        name: l.name,
        quantity: l.quantity,
        unitPriceFen: Number(l.unit_price_fen),
      })),
    };
  }

  settlementView(s: SettlementRow): SettlementView {
    return {
      id: s.id,
      visitId: s.visit_id,
      state: s.state,
      insuredCity: s.insured_city,
      treatingCity: this.config.cityCode,
      hospitalCode: s.hospital_code,
      hospitalLevel: s.hospital_level,
      visitType: s.visit_type,
      standing: s.standing,
      ratioBp: s.ratio_bp,
      settledOn: s.settled_on,
      reversedOn: s.reversed_on,
      totals: s.totals,
      shortfall: s.shortfall
        ? { fen: s.shortfall.fen, reason: s.shortfall.reason, explain: (s.shortfall as { explain?: string }).explain ?? '' }
        : null,
      lines: s.lines,
      policyVersion: s.policy_version,
      catalogueVersion: s.catalogue_version,
      msgid: s.msgid,
    };
  }
}
