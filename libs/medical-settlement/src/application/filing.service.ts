import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type FilingKind,
  type MedicalAllowanceRequested,
  MedicalAllowanceRequestedV1,
  type MedicalAllowanceReturned,
  MedicalAllowanceReturnedV1,
  MedicalFilingCancelledV1,
  MedicalFilingRecordedV1,
  type MedicalSettlementRecorded,
  MedicalSettlementRecordedV1,
  type MedicalSettlementReversed,
  MedicalSettlementReversedV1,
} from '@guangfo/contracts';
import { Clock, maskIdNumber, maskName, normalizeResidentId, toShanghaiDate } from '@guangfo/kernel';
import { HandlesEvent, OutboxService, type ReceivedEvent } from '@guangfo/messaging';
import { actorOf, AuditService, CityRegistry, NODE_CONFIG, type NodeConfig, type Principal } from '@guangfo/platform';
import { yearAhead } from '../domain/allowance.js';
import { filingCovers, filingTouchesYear, filingWindow, FilingRuleError } from '../domain/filing.js';
import { medicalError } from '../medical.errors.js';
import { type FilingRow, MedicalRepository } from '../infrastructure/medical.repository.js';
import { PersonSeal } from '../infrastructure/person.seal.js';
import { AllowanceGrants } from './allowance-grants.js';
import { readTimePage, timePage } from './time-cursor.js';
import { ReferenceDataService } from './reference-data.service.js';
import { yearAheadDays } from './year-ahead-grants.service.js';

export interface RegisterFilingCommand {
  kind: FilingKind;
  treatingCity: string;
  validFrom?: string;
  validTo?: string | null;
  /** Clerks and the insured agency's systems name the person; a resident registers only themself (verified identity). */
  person?: { idNumber: string; name: string };
  /** The personal-account balance the insured agency lets the treating city debit (clerks and partners only; default none). */
  accountBalanceFen?: number;
}

export interface FilingView {
  id: string;
  personId: string;
  insuredCity: string;
  treatingCity: string;
  kind: string;
  validFrom: string;
  validTo: string | null;
  cancelledOn: string | null;
  late: boolean;
  recordedAt: string;
  person: { name: string; idNumber: string };
}

/**
 * 备案 at the insured city (参保地): a resident for themself, a clerk or the insured agency's system (partner scope
 * `medical:filing`) for a person. The record goes to the treating city as an addressed event (person sealed for it), with a
 * first fund and account allowance taken from the person's annual cap (see domain/allowance.ts).
 */
@Injectable()
export class FilingService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: CityRegistry,
    private readonly dataSource: DataSource,
    private readonly repo: MedicalRepository,
    private readonly reference: ReferenceDataService,
    private readonly seal: PersonSeal,
    private readonly grants: AllowanceGrants,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async register(p: Principal, cmd: RegisterFilingCommand): Promise<FilingView> {
    const city = this.config.cityCode;
    if (!this.registry.get(cmd.treatingCity))
      throw medicalError('MEDICAL_CITY_UNKNOWN', { detail: `city ${cmd.treatingCity} is not in the registry` });
    if (cmd.treatingCity === city)
      throw medicalError('MEDICAL_TREATING_CITY_INVALID', { detail: '异地就医: the treating city is another city' });
    const person = this.personOf(p, cmd);
    const today = toShanghaiDate(this.clock.now());
    const policy = await this.reference.policy(this.dataSource, city, today);
    let window;
    try {
      window = filingWindow(cmd.kind, {
        registeredOn: today,
        validFrom: cmd.validFrom,
        validTo: cmd.validTo,
        maxBackdateDays: policy.maxBackdateDays,
      });
    } catch (err) {
      if (err instanceof FilingRuleError) throw medicalError('MEDICAL_FILING_INVALID', { detail: err.message, extra: { rule: err.code } });
      throw err;
    }
    const actor = actorOf(p);
    const year = Number(today.slice(0, 4));
    return this.dataSource.transaction(async (em) => {
      const key = this.seal.personKey(person.idNumber);
      const id = randomUUID();
      const row = await this.repo.insertPerson(em, {
        id,
        insured_city: city,
        person_key: key,
        id_number_sealed: this.seal.seal(id, 'id-number', person.idNumber),
        name_sealed: this.seal.seal(id, 'name', person.name),
        account_balance_fen: cmd.accountBalanceFen ?? null,
      });
      if (row.id !== id && cmd.accountBalanceFen !== undefined) await this.repo.setAccountBalance(em, row.id, cmd.accountBalanceFen);
      const insured = cmd.accountBalanceFen === undefined ? row : { ...row, account_balance_fen: String(cmd.accountBalanceFen) };
      const filing: FilingRow = {
        id: randomUUID(),
        person_id: row.id,
        insured_city: city,
        treating_city: cmd.treatingCity,
        kind: cmd.kind,
        valid_from: window.validFrom,
        valid_to: window.validTo,
        cancelled_on: null,
        late: window.late,
        recorded_at: this.clock.now(),
        recorded_by: actor,
        origin: 'own',
      };
      await this.repo.insertFiling(em, filing);
      await this.outbox.add(em, {
        contract: MedicalFilingRecordedV1,
        domain: 'medical',
        subject: filing.id,
        toCity: cmd.treatingCity,
        data: {
          filingId: filing.id,
          personId: row.id,
          insuredCity: city,
          treatingCity: cmd.treatingCity,
          kind: cmd.kind,
          validFrom: window.validFrom,
          validTo: window.validTo,
          late: window.late,
          recordedAt: filing.recorded_at.toISOString(),
          person,
        },
      });
      // The annual caps of the year (fund: the policy's; account: the balance the agency states) and a first grant; in the last
      // weeks of a year, the next year's too (YearAheadGrantsService: the sweep does it for the 备案 registered before).
      await this.grants.openYear(em, insured, year, cmd.treatingCity, policy);
      const ahead = yearAhead(today, yearAheadDays());
      if (ahead !== null && filingTouchesYear(window, ahead))
        await this.grants.openYear(em, insured, ahead, cmd.treatingCity, await this.reference.policy(em, city, `${ahead}-12-31`), true);
      await this.audit.record(
        {
          actor,
          action: 'medical.filing.register',
          resource: `medical-filing:${filing.id}`,
          outcome: 'success',
          detail: { kind: cmd.kind, treatingCity: cmd.treatingCity, late: window.late },
        },
        em,
      );
      return this.view(filing, person);
    });
  }

  async cancel(p: Principal, filingId: string, on?: string): Promise<FilingView> {
    return this.dataSource.transaction(async (em) => {
      const f = await this.ownFiling(em, p, filingId, true);
      if (f.cancelled_on) throw medicalError('MEDICAL_FILING_ALREADY_CANCELLED', { detail: `cancelled on ${f.cancelled_on}` });
      const cancelledOn = on ?? toShanghaiDate(this.clock.now());
      await this.repo.cancelFiling(em, f.id, cancelledOn);
      await this.outbox.add(em, {
        contract: MedicalFilingCancelledV1,
        domain: 'medical',
        subject: f.id,
        toCity: f.treating_city,
        data: { filingId: f.id, personId: f.person_id, cancelledOn },
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.filing.cancel',
          resource: `medical-filing:${f.id}`,
          outcome: 'success',
          detail: { cancelledOn },
        },
        em,
      );
      return this.view({ ...f, cancelled_on: cancelledOn }, await this.personData(em, f.person_id));
    });
  }

  async get(p: Principal, filingId: string): Promise<FilingView> {
    return this.dataSource.transaction(async (em) => {
      const f = await this.ownFiling(em, p, filingId, false);
      await this.audit.record(
        { actor: actorOf(p), action: 'medical.filing.read', resource: `medical-filing:${f.id}`, outcome: 'success' },
        em,
      );
      return this.view(f, await this.personData(em, f.person_id));
    });
  }

  /**
   * 备案 held here, newest registration first, cursor-paged: a clerk sees every 备案 of this node (registered here, or
   * replicas of the other city's registered for treatment here; `origin` filters), a resident only their own registered here.
   * Persons masked; the read is audited.
   */
  async list(
    p: Principal,
    q: { status?: 'active' | 'cancelled'; origin?: 'own' | 'replica'; cursor?: string; limit?: number },
  ): Promise<{ items: FilingView[]; nextCursor: string | null }> {
    const { limit, after } = readTimePage(q);
    return this.dataSource.transaction(async (em) => {
      let personIds: string[] | undefined;
      let origin = q.origin;
      if (p.kind === 'user' && p.role === 'resident') {
        personIds = p.identity ? await this.repo.personIdsByKey(em, this.seal.personKey(p.identity.idNumber)) : [];
        origin = 'own';
      }
      const rows =
        personIds?.length === 0 ? [] : await this.repo.listFilings(em, { personIds, origin, status: q.status, after, limit: limit + 1 });
      const { page, nextCursor } = timePage(rows, limit);
      const items: FilingView[] = [];
      for (const f of page) items.push(this.view(f, await this.personData(em, f.person_id)));
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.filing.list',
          resource: 'medical-filing:*',
          outcome: 'success',
          detail: { count: page.length, filings: page.map((f) => f.id) },
        },
        em,
      );
      return { items, nextCursor };
    });
  }

  /** True when one of the filings covers `date` (for 1101 views). */
  static covering(filings: readonly FilingRow[], date: string): FilingRow | undefined {
    return filings.find((f) => filingCovers({ validFrom: f.valid_from, validTo: f.valid_to, cancelledOn: f.cancelled_on }, date));
  }

  /** A treating city asks for more: grant up to a chunk from what is not yet granted (the ledger row is locked). */
  @HandlesEvent(MedicalAllowanceRequestedV1, { consumer: 'medical.allowance-grant' })
  async onRequested(event: ReceivedEvent<MedicalAllowanceRequested>, em: EntityManager): Promise<void> {
    const person = await this.repo.person(em, event.data.personId);
    if (!person || person.insured_city !== this.config.cityCode)
      throw new Error(`allowance request for unknown person ${event.data.personId}`);
    const policy = await this.reference.policy(em, this.config.cityCode, `${event.data.year}-12-31`);
    await this.grants.openCaps(em, person, event.data.year, policy);
    await this.grants.grant(em, person.id, event.data.year, event.data.pot, event.fromCity, policy.allowanceChunkFen);
  }

  /** A treating city gave back what it did not spend of a person's allowance: the ledger takes it back (the row is locked). */
  @HandlesEvent(MedicalAllowanceReturnedV1, { consumer: 'medical.allowance-return' })
  async onReturned(event: ReceivedEvent<MedicalAllowanceReturned>, em: EntityManager): Promise<void> {
    const d = event.data;
    const person = await this.repo.person(em, d.personId);
    if (!person || person.insured_city !== this.config.cityCode) throw new Error(`allowance return for unknown person ${d.personId}`);
    const takenBackFen = await this.grants.takeBack(em, person.id, d.year, d.pot, event.fromCity, d.returnedTotalFen);
    await this.audit.record(
      {
        actor: `city:${event.fromCity}`,
        action: 'medical.allowance.returned',
        resource: `medical-allowance:${person.id}:${d.year}:${d.pot}`,
        outcome: 'success',
        detail: { returnedTotalFen: d.returnedTotalFen, takenBackFen, consumedFen: d.consumedFen, reason: d.reason },
      },
      em,
    );
  }

  /** The insured city's copy of each settlement made elsewhere (5206 cumulative totals; the clearing verifier's input). */
  @HandlesEvent(MedicalSettlementRecordedV1, { consumer: 'medical.settlement-copy' })
  async onSettled(event: ReceivedEvent<MedicalSettlementRecorded>, em: EntityManager): Promise<void> {
    const d = event.data;
    // A treating city reports settlements of this city's own insured only (checked in the copy's statement).
    const saved = await this.repo.saveCopy(
      em,
      {
        settlementId: d.settlementId,
        treatingCity: event.fromCity,
        personId: d.personId,
        hospitalCode: d.hospitalCode,
        settledOn: d.settledOn,
        totals: d.totals,
      },
      this.config.cityCode,
    );
    if (!saved) throw new Error(`settlement ${d.settlementId} for a person not insured here`);
  }

  @HandlesEvent(MedicalSettlementReversedV1, { consumer: 'medical.settlement-copy' })
  async onReversed(event: ReceivedEvent<MedicalSettlementReversed>, em: EntityManager): Promise<void> {
    if (!(await this.repo.reverseCopy(em, event.data.settlementId, event.fromCity, event.data.reversedOn)))
      throw new Error(`reversal of settlement ${event.data.settlementId} before its record (or twice)`);
  }

  private personOf(p: Principal, cmd: RegisterFilingCommand): { idNumber: string; name: string } {
    if (p.kind === 'user' && p.role === 'resident') {
      if (!p.identity)
        throw medicalError('MEDICAL_PERSON_INVALID', { detail: 'a real-name-verified identity is required to register online' });
      if (cmd.person && normalizeResidentId(cmd.person.idNumber) !== p.identity.idNumber)
        throw medicalError('MEDICAL_PERSON_INVALID', { detail: 'residents register only themselves' });
      if (cmd.accountBalanceFen !== undefined)
        throw medicalError('MEDICAL_PERSON_INVALID', { detail: 'the account balance comes from the insured agency' });
      return { idNumber: p.identity.idNumber, name: p.identity.name };
    }
    const idNumber = cmd.person ? normalizeResidentId(cmd.person.idNumber) : undefined;
    if (!cmd.person || !idNumber || !cmd.person.name.trim())
      throw medicalError('MEDICAL_PERSON_INVALID', {
        detail: 'person.idNumber (GB 11643) and person.name are required',
        fieldErrors: [{ field: 'person.idNumber', rule: 'isResidentId', message: 'a valid 18-character ID number' }],
      });
    return { idNumber, name: cmd.person.name.trim() };
  }

  private async ownFiling(em: EntityManager, p: Principal, id: string, lock: boolean): Promise<FilingRow> {
    const f = await this.repo.filing(em, id, lock);
    if (!f || f.origin !== 'own') throw medicalError('MEDICAL_FILING_NOT_FOUND', { detail: `no 备案 ${id} registered here` });
    if (p.kind === 'user' && p.role === 'resident') {
      const person = await this.repo.person(em, f.person_id);
      if (!p.identity || !person || this.seal.personKey(p.identity.idNumber) !== person.person_key)
        throw medicalError('MEDICAL_FILING_NOT_FOUND', { detail: `no 备案 ${id} of yours` });
    }
    return f;
  }

  private async personData(em: EntityManager, personId: string): Promise<{ idNumber: string; name: string }> {
    const row = (await this.repo.person(em, personId))!;
    return { idNumber: this.seal.open(row.id, 'id-number', row.id_number_sealed), name: this.seal.open(row.id, 'name', row.name_sealed) };
  }

  private view(f: FilingRow, person: { idNumber: string; name: string }): FilingView {
    return {
      id: f.id,
      personId: f.person_id,
      insuredCity: f.insured_city,
      treatingCity: f.treating_city,
      kind: f.kind,
      validFrom: f.valid_from,
      validTo: f.valid_to,
      cancelledOn: f.cancelled_on,
      late: f.late,
      recordedAt: new Date(f.recorded_at).toISOString(),
      person: { name: maskName(person.name), idNumber: maskIdNumber(person.idNumber) },
    };
  }
}
