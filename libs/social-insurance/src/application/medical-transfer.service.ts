import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { WORKING_DAY_CALENDAR, type WorkingDayCalendar } from '@guangfo/catalogue';
import {
  type MedicalTransferContinued,
  MedicalTransferContinuedV1,
  type MedicalTransferEntry,
  type MedicalTransferReleased,
  MedicalTransferReleasedV1,
  type MedicalTransferRequested,
  MedicalTransferRequestedV1,
  type MedicalTransferStep,
} from '@guangfo/contracts';
import { Clock, maskIdNumber, maskName, toShanghaiDate } from '@guangfo/kernel';
import { HandlesEvent, OutboxService, type ReceivedEvent } from '@guangfo/messaging';
import {
  actorOf,
  AuditService,
  CityRegistry,
  NODE_CONFIG,
  type NodeConfig,
  queryRow,
  queryRows,
  type UserPrincipal,
  requireVersion,
} from '@guangfo/platform';
import { type GapTreatment, medicalGap, medicalTransferDeadlines } from '../domain/medical-transfer.js';
import { monthIndex, monthOfDate } from '../domain/months.js';
import { SocialInsuranceRepository } from '../infrastructure/social-insurance.repository.js';
import { socialInsuranceError } from '../social-insurance.errors.js';
import { Created, idempotencyOf } from './created.js';
import { checkedIdNumber } from './identity.js';
import { SOCIAL_INSURANCE_DOMAIN } from './social-insurance.constants.js';
import { type Page, pageRows, readPage } from './paging.js';

interface Row {
  id: string;
  person_id: string;
  from_city: string;
  to_city: string;
  entries: MedicalTransferEntry[];
  insured_months: number | null;
  last_paid_month: string | null;
  gap: GapTreatment | null;
  version: number;
}

export interface MedicalTransferView {
  id: string;
  fromCity: string;
  toCity: string;
  person: { idNumber: string; name: string | null };
  state: MedicalTransferStep;
  version: number;
  timeline: MedicalTransferEntry[];
  deadlines: ReturnType<typeof medicalTransferDeadlines>;
  insuredMonths: number | null;
  lastPaidMonth: string | null;
  gap: GapTreatment | null;
}

export interface MedicalTransferSummary {
  id: string;
  fromCity: string;
  toCity: string;
  person: { idNumber: string; name: string | null };
  state: MedicalTransferStep;
  version: number;
  createdAt: string;
}

const APPLY_IDEMPOTENCY = idempotencyOf('medical-transfer');
const NEXT: Record<MedicalTransferStep, MedicalTransferStep | null> = { applied: 'released', released: 'continued', continued: null };

/**
 * 基本医疗保险关系转移接续 (医保办发〔2021〕43号) between any two cities (medical insurance is pooled per
 * city): the new place takes the application and asks; the old place releases within 10 working
 * days (months insured, last month paid); the new place continues within 5, and the gap between
 * the last month paid there and the first month paid here decides: ≤ 3 months paid up with
 * benefits back-dated, longer a waiting period of up to 6 months.
 */
@Injectable()
export class MedicalTransferService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    @Inject(WORKING_DAY_CALENDAR) private readonly calendar: WorkingDayCalendar,
    private readonly registry: CityRegistry,
    private readonly dataSource: DataSource,
    private readonly repo: SocialInsuranceRepository,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  private entry(seq: number, step: MedicalTransferStep): MedicalTransferEntry {
    const now = this.clock.now();
    return { seq, step, city: this.config.cityCode, at: now.toISOString(), on: toShanghaiDate(now) };
  }

  async apply(
    p: UserPrincipal,
    cmd: { idNumber: string; name: string; fromCity: string },
    idempotencyHeader?: string,
  ): Promise<Created<MedicalTransferView>> {
    const key = APPLY_IDEMPOTENCY.key(idempotencyHeader);
    const idNumber = checkedIdNumber(cmd.idNumber);
    if (!this.registry.get(cmd.fromCity) || cmd.fromCity === this.config.cityCode)
      throw socialInsuranceError('SI_UNKNOWN_CITY', {
        fieldErrors: [{ field: 'fromCity', rule: 'invalid', message: 'another city of the registry' }],
      });
    return this.dataSource.transaction(async (em) => {
      const id = randomUUID();
      if (key) {
        const k = await APPLY_IDEMPOTENCY.claim(em, { caller: actorOf(p), key, body: cmd, resourceId: id });
        if (k.replay) return new Created(await this.viewOf(em, k.resourceId), true);
      }
      const person = await this.repo.ensurePerson(em, idNumber, cmd.name);
      const entry = this.entry(1, 'applied');
      const at = this.clock.now();
      await em.query(
        `INSERT INTO social_insurance.medical_transfer (id, person_id, from_city, to_city, entries, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`,
        [id, person.id, cmd.fromCity, this.config.cityCode, JSON.stringify([entry]), at],
      );
      await this.outbox.add<MedicalTransferRequested>(em, {
        contract: MedicalTransferRequestedV1,
        domain: SOCIAL_INSURANCE_DOMAIN,
        subject: `medical-transfer/${id}`,
        toCity: cmd.fromCity,
        data: { transferId: id, fromCity: cmd.fromCity, toCity: this.config.cityCode, entry, person: { idNumber, name: cmd.name } },
      });
      await this.audit.record(
        { actor: actorOf(p), action: 'social-insurance.medical-transfer.apply', resource: `medical-transfer:${id}`, outcome: 'success' },
        em,
      );
      return new Created(await this.viewOf(em, id), false);
    });
  }

  async get(p: UserPrincipal, id: string): Promise<MedicalTransferView> {
    return this.dataSource.transaction(async (em) => {
      const view = await this.viewOf(em, id);
      await this.audit.record(
        { actor: actorOf(p), action: 'social-insurance.medical-transfer.read', resource: `medical-transfer:${id}`, outcome: 'success' },
        em,
      );
      return view;
    });
  }

  /** The clerk list: medical transfers this city takes part in, newest first (filter by state, direction); the person masked; audited. */
  async list(
    p: UserPrincipal,
    q: { limit?: number; cursor?: string; state?: MedicalTransferStep; direction?: 'in' | 'out' },
  ): Promise<Page<MedicalTransferSummary>> {
    const { limit, after } = readPage(q);
    const city = q.direction === 'in' ? 'to_city' : q.direction === 'out' ? 'from_city' : null;
    return this.dataSource.transaction(async (em) => {
      const rows = await queryRows<Row & { created_at: Date }>(
        em,
        `SELECT * FROM social_insurance.medical_transfer
          WHERE ($1::text IS NULL OR entries->-1->>'step' = $1)
            AND ($2::text IS NULL OR ${city ?? 'to_city'} = $2)
            AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
          ORDER BY created_at DESC, id DESC LIMIT $5`,
        [q.state ?? null, city ? this.config.cityCode : null, after?.c ?? null, after?.i ?? null, limit + 1],
      );
      const { page, nextCursor } = pageRows(rows, limit);
      const items: MedicalTransferSummary[] = [];
      for (const r of page) {
        const person = await this.repo.personById(em, r.person_id);
        items.push({
          id: r.id,
          fromCity: r.from_city,
          toCity: r.to_city,
          person: { idNumber: maskIdNumber(person.idNumber), name: person.name ? maskName(person.name) : null },
          state: r.entries.at(-1)!.step,
          version: r.version,
          createdAt: new Date(r.created_at).toISOString(),
        });
      }
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.medical-transfer.list',
          resource: 'medical-transfer:*',
          outcome: 'success',
          detail: { count: items.length, transfers: page.map((r) => r.id), persons: page.map((r) => r.person_id) },
        },
        em,
      );
      return { items, nextCursor };
    });
  }

  private async locked(
    em: EntityManager,
    id: string,
    step: MedicalTransferStep,
    city: (r: Row) => string,
    ifMatch: string | undefined,
  ): Promise<Row> {
    const r = await queryRow<Row>(em, `SELECT * FROM social_insurance.medical_transfer WHERE id = $1 FOR UPDATE`, [id]);
    if (!r) throw socialInsuranceError('SI_TRANSFER_NOT_FOUND', { detail: `no medical transfer ${id}` });
    requireVersion(r.version, ifMatch, 'medical transfer');
    const current = r.entries.at(-1)!.step;
    if (NEXT[current] !== step)
      throw socialInsuranceError('SI_TRANSFER_STEP_NOT_ALLOWED', { detail: `the transfer is at ${current}`, extra: { state: current } });
    if (city(r) !== this.config.cityCode)
      throw socialInsuranceError('SI_TRANSFER_NOT_YOUR_STEP', { detail: `city ${city(r)} takes the step ${step}` });
    return r;
  }

  /** The old place releases: months of employee medical insurance held here and the last month paid. */
  async release(p: UserPrincipal, id: string, ifMatch: string | undefined): Promise<MedicalTransferView> {
    return this.dataSource.transaction(async (em) => {
      const r = await this.locked(em, id, 'released', (x) => x.from_city, ifMatch);
      const months = (await this.repo.monthsOf(em, r.person_id, this.config.cityCode)).filter(
        (m) => m.scheme === 'employee-medical' && !m.refunded,
      );
      const lastPaidMonth =
        months
          .map((m) => m.month)
          .sort()
          .at(-1) ?? null;
      const entry = this.entry(r.entries.length + 1, 'released');
      await em.query(
        `UPDATE social_insurance.medical_transfer SET entries = $2, insured_months = $3, last_paid_month = $4, version = version + 1, updated_at = $5 WHERE id = $1`,
        [id, JSON.stringify([...r.entries, entry]), months.length, lastPaidMonth, this.clock.now()],
      );
      await this.outbox.add<MedicalTransferReleased>(em, {
        contract: MedicalTransferReleasedV1,
        domain: SOCIAL_INSURANCE_DOMAIN,
        subject: `medical-transfer/${id}`,
        toCity: r.to_city,
        data: { transferId: id, entry, insuredMonths: months.length, lastPaidMonth },
      });
      await this.audit.record(
        { actor: actorOf(p), action: 'social-insurance.medical-transfer.release', resource: `medical-transfer:${id}`, outcome: 'success' },
        em,
      );
      return this.viewOf(em, id);
    });
  }

  /** The new place continues: the gap from the last month paid there to the first month paid here (or this month). */
  async continue(p: UserPrincipal, id: string, ifMatch: string | undefined): Promise<MedicalTransferView> {
    return this.dataSource.transaction(async (em) => {
      const r = await this.locked(em, id, 'continued', (x) => x.to_city, ifMatch);
      const entry = this.entry(r.entries.length + 1, 'continued');
      const after = (await this.repo.monthsOf(em, r.person_id, this.config.cityCode))
        .filter((m) => m.scheme === 'employee-medical' && (!r.last_paid_month || monthIndex(m.month) > monthIndex(r.last_paid_month)))
        .map((m) => m.month)
        .sort();
      const firstPaidHere = after[0] ?? monthOfDate(entry.on);
      const gap: GapTreatment = r.last_paid_month ? medicalGap(r.last_paid_month, firstPaidHere) : { kind: 'continuous' };
      await em.query(
        `UPDATE social_insurance.medical_transfer SET entries = $2, gap = $3, version = version + 1, updated_at = $4 WHERE id = $1`,
        [id, JSON.stringify([...r.entries, entry]), JSON.stringify(gap), this.clock.now()],
      );
      await this.outbox.add<MedicalTransferContinued>(em, {
        contract: MedicalTransferContinuedV1,
        domain: SOCIAL_INSURANCE_DOMAIN,
        subject: `medical-transfer/${id}`,
        toCity: r.from_city,
        data: { transferId: id, entry, gap },
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.medical-transfer.continue',
          resource: `medical-transfer:${id}`,
          outcome: 'success',
          detail: { gap },
        },
        em,
      );
      return this.viewOf(em, id);
    });
  }

  @HandlesEvent(MedicalTransferRequestedV1, { consumer: 'social-insurance.medical-transfer-requests' })
  private async onRequested(event: ReceivedEvent<MedicalTransferRequested>, em: EntityManager): Promise<void> {
    const d = event.data;
    if (d.fromCity !== this.config.cityCode || d.toCity !== event.fromCity)
      throw new Error(`medical transfer ${d.transferId} not between ${event.fromCity} and this city`);
    const person = await this.repo.ensurePerson(em, d.person.idNumber, d.person.name);
    const at = this.clock.now();
    await em.query(
      `INSERT INTO social_insurance.medical_transfer (id, person_id, from_city, to_city, entries, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (id) DO NOTHING`,
      [d.transferId, person.id, d.fromCity, d.toCity, JSON.stringify([d.entry]), at],
    );
  }

  @HandlesEvent(MedicalTransferReleasedV1, { consumer: 'social-insurance.medical-transfer-releases' })
  private async onReleased(event: ReceivedEvent<MedicalTransferReleased>, em: EntityManager): Promise<void> {
    const d = event.data;
    const r = await queryRow<Row>(em, `SELECT * FROM social_insurance.medical_transfer WHERE id = $1 FOR UPDATE`, [d.transferId]);
    if (!r || r.from_city !== event.fromCity)
      throw new Error(`release of medical transfer ${d.transferId} from ${event.fromCity}: no such transfer here`);
    if (r.entries.some((e) => e.seq === d.entry.seq)) return;
    await em.query(
      `UPDATE social_insurance.medical_transfer SET entries = $2, insured_months = $3, last_paid_month = $4, version = version + 1, updated_at = $5 WHERE id = $1`,
      [d.transferId, JSON.stringify([...r.entries, d.entry]), d.insuredMonths, d.lastPaidMonth, this.clock.now()],
    );
  }

  @HandlesEvent(MedicalTransferContinuedV1, { consumer: 'social-insurance.medical-transfer-continuations' })
  private async onContinued(event: ReceivedEvent<MedicalTransferContinued>, em: EntityManager): Promise<void> {
    const d = event.data;
    const r = await queryRow<Row>(em, `SELECT * FROM social_insurance.medical_transfer WHERE id = $1 FOR UPDATE`, [d.transferId]);
    if (!r || r.to_city !== event.fromCity)
      throw new Error(`continuation of medical transfer ${d.transferId} from ${event.fromCity}: no such transfer here`);
    if (r.entries.some((e) => e.seq === d.entry.seq)) return;
    await em.query(
      `UPDATE social_insurance.medical_transfer SET entries = $2, gap = $3, version = version + 1, updated_at = $4 WHERE id = $1`,
      [d.transferId, JSON.stringify([...r.entries, d.entry]), JSON.stringify(d.gap), this.clock.now()],
    );
  }

  private async viewOf(em: EntityManager, id: string): Promise<MedicalTransferView> {
    const r = await queryRow<Row>(em, `SELECT * FROM social_insurance.medical_transfer WHERE id = $1`, [id]);
    if (!r) throw socialInsuranceError('SI_TRANSFER_NOT_FOUND', { detail: `no medical transfer ${id}` });
    const person = await this.repo.personById(em, r.person_id);
    let deadlines: MedicalTransferView['deadlines'] = [];
    try {
      deadlines = medicalTransferDeadlines(
        this.calendar,
        { fromCity: r.from_city, toCity: r.to_city, entries: r.entries },
        toShanghaiDate(this.clock.now()),
      );
    } catch {
      deadlines = []; // past the calendar's coverage
    }
    return {
      id: r.id,
      fromCity: r.from_city,
      toCity: r.to_city,
      person: { idNumber: maskIdNumber(person.idNumber), name: person.name ? maskName(person.name) : null },
      state: r.entries.at(-1)!.step,
      version: r.version,
      timeline: r.entries,
      deadlines,
      insuredMonths: r.insured_months,
      lastPaidMonth: r.last_paid_month,
      gap: r.gap,
    };
  }
}
