import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type BenefitStopNotified, BenefitStopNotifiedV1, type EligibilityConfirmed, EligibilityConfirmedV1 } from '@guangfo/contracts';
import { Clock, isCivilDate, maskIdNumber, maskName, toShanghaiDate } from '@guangfo/kernel';
import { HandlesEvent, OutboxService, type ReceivedEvent } from '@guangfo/messaging';
import { actorOf, AuditService, CityRegistry, NODE_CONFIG, type NodeConfig, queryRows, type UserPrincipal } from '@guangfo/platform';
import { isYearMonth, monthIndex, monthOfDate } from '../domain/months.js';
import { confirmedThrough, decidePayment, overpayment, type RetireeSnapshot, retireeStatus, stopFrom } from '../domain/retiree.js';
import { type RetireeRow, SocialInsuranceRepository } from '../infrastructure/social-insurance.repository.js';
import { socialInsuranceError } from '../social-insurance.errors.js';
import { Created, idempotencyOf } from './created.js';
import { checkedIdNumber, residentIdentity } from './identity.js';
import { type Page, pageRows, readPage } from './paging.js';
import type { EligibilityConfirmationCommand, RetireeRegistrationCommand, StopNoticeCommand } from './social-insurance.commands.js';
import { SOCIAL_INSURANCE_DOMAIN } from './social-insurance.constants.js';

const REGISTER_IDEMPOTENCY = idempotencyOf('retiree');

export interface RetireeView {
  id: string;
  person: { idNumber: string; name: string | null };
  residenceCity: string;
  monthlyPensionFen: number;
  firstMonth: string;
  lastConfirmedOn: string;
  confirmedThrough: string;
  status: 'active' | 'suspended' | 'stopped';
  stop: { kind: string; eventDate: string; stopFrom: string } | null;
  payments: { month: string; amountFen: number; kind: string; runMonth: string; recovered: boolean }[];
  paidFen: number;
  recoveries: { id: string; reason: string; months: string[]; amountFen: number }[];
  version: number;
}

/** A row of the retiree list: no payments, the person masked. */
export type RetireeSummary = Pick<
  RetireeView,
  'id' | 'person' | 'residenceCity' | 'monthlyPensionFen' | 'lastConfirmedOn' | 'confirmedThrough' | 'status' | 'version'
> & { createdAt: string };

export interface PaymentRunResult {
  month: string;
  retirees: { retireeId: string; status: string; suspendedFrom?: string; paid: { month: string; amountFen: number; kind: string }[] }[];
  totalFen: number;
}

/**
 * Retirees paid by this city and living in another (异地居住): registered here, confirmed by the
 * city of residence (资格认证, valid 12 months), paid by monthly runs; a lapse suspends from the next
 * month and a later confirmation pays back; a death or imprisonment notice stops payment from the
 * next month and anything paid after is recovered.
 */
@Injectable()
export class RetireeService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: CityRegistry,
    private readonly dataSource: DataSource,
    private readonly repo: SocialInsuranceRepository,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async register(p: UserPrincipal, cmd: RetireeRegistrationCommand, idempotencyHeader?: string): Promise<Created<RetireeView>> {
    const key = REGISTER_IDEMPOTENCY.key(idempotencyHeader);
    const idNumber = checkedIdNumber(cmd.idNumber);
    if (!this.registry.get(cmd.residenceCity) || cmd.residenceCity === this.config.cityCode)
      throw socialInsuranceError('SI_UNKNOWN_CITY', {
        detail: 'the city of residence is another city of the registry',
        fieldErrors: [{ field: 'residenceCity', rule: 'invalid', message: 'another city of the registry' }],
      });
    if (!isYearMonth(cmd.firstMonth))
      throw socialInsuranceError('SI_INVALID_MONTH', { fieldErrors: [{ field: 'firstMonth', rule: 'invalid', message: 'YYYY-MM' }] });
    if (!isCivilDate(cmd.lastConfirmedOn) || cmd.lastConfirmedOn > toShanghaiDate(this.clock.now()))
      throw socialInsuranceError('SI_INVALID_QUERY', {
        fieldErrors: [{ field: 'lastConfirmedOn', rule: 'invalid', message: 'a past civil date YYYY-MM-DD' }],
      });
    return this.dataSource.transaction(async (em) => {
      const id = randomUUID();
      if (key) {
        const k = await REGISTER_IDEMPOTENCY.claim(em, { caller: actorOf(p), key, body: cmd, resourceId: id });
        if (k.replay) return new Created(await this.viewOf(em, (await this.repo.findRetiree(em, k.resourceId))!), true);
      }
      const person = await this.repo.ensurePerson(em, idNumber, cmd.name);
      const inserted = await this.repo.insertRetiree(em, {
        id,
        personId: person.id,
        residenceCity: cmd.residenceCity,
        monthlyPensionFen: cmd.monthlyPensionFen,
        firstMonth: cmd.firstMonth,
        lastConfirmedOn: cmd.lastConfirmedOn,
        at: this.clock.now(),
      });
      if (!inserted)
        throw socialInsuranceError('SI_RETIREE_EXISTS', { detail: 'this person is already registered as a retiree paid here' });
      await this.audit.record(
        { actor: actorOf(p), action: 'social-insurance.retiree.register', resource: `retiree:${id}`, outcome: 'success' },
        em,
      );
      return new Created(await this.viewOf(em, (await this.repo.findRetiree(em, id))!), false);
    });
  }

  /** The clerk list: retirees this city pays, newest first (filter by city of residence, stopped or not); masked; audited. */
  async list(
    p: UserPrincipal,
    q: { limit?: number; cursor?: string; residenceCity?: string; stopped?: boolean },
  ): Promise<Page<RetireeSummary>> {
    const { limit, after } = readPage(q);
    return this.dataSource.transaction(async (em) => {
      const rows = await queryRows<RetireeRow & { created_at: Date }>(
        em,
        `SELECT ${SocialInsuranceRepository.RETIREE_COLUMNS}, created_at FROM social_insurance.retiree
          WHERE ($1::text IS NULL OR residence_city = $1) AND ($2::boolean IS NULL OR (stop_kind IS NOT NULL) = $2)
            AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
          ORDER BY created_at DESC, id DESC LIMIT $5`,
        [q.residenceCity ?? null, q.stopped ?? null, after?.c ?? null, after?.i ?? null, limit + 1],
      );
      const { page, nextCursor } = pageRows(rows, limit);
      const thisMonth = monthOfDate(toShanghaiDate(this.clock.now()));
      const items: RetireeSummary[] = [];
      for (const r of page) {
        const person = await this.repo.personById(em, r.person_id);
        items.push({
          id: r.id,
          person: { idNumber: maskIdNumber(person.idNumber), name: person.name ? maskName(person.name) : null },
          residenceCity: r.residence_city,
          monthlyPensionFen: Number(r.monthly_pension_fen),
          lastConfirmedOn: r.last_confirmed_on,
          confirmedThrough: confirmedThrough(r.last_confirmed_on),
          status: retireeStatus(await this.snapshot(em, r), thisMonth),
          version: r.version,
          createdAt: new Date(r.created_at).toISOString(),
        });
      }
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.retiree.list',
          resource: 'retiree:*',
          outcome: 'success',
          detail: { count: items.length, retirees: page.map((r) => r.id), persons: page.map((r) => r.person_id) },
        },
        em,
      );
      return { items, nextCursor };
    });
  }

  async get(p: UserPrincipal, id: string): Promise<RetireeView> {
    return this.dataSource.transaction(async (em) => {
      const r = await this.repo.findRetiree(em, id);
      if (!r) throw socialInsuranceError('SI_RETIREE_NOT_FOUND', { detail: `no retiree ${id}` });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.retiree.read',
          resource: `person:${r.person_id}`,
          outcome: 'success',
          detail: { retireeId: id },
        },
        em,
      );
      return this.viewOf(em, r);
    });
  }

  /** The monthly payment run of `month` (not a future month) for every retiree paid here; a month is paid at most once. */
  async run(p: UserPrincipal, month: string): Promise<PaymentRunResult> {
    if (!isYearMonth(month))
      throw socialInsuranceError('SI_INVALID_MONTH', { fieldErrors: [{ field: 'month', rule: 'invalid', message: 'YYYY-MM' }] });
    if (monthIndex(month) > monthIndex(monthOfDate(toShanghaiDate(this.clock.now()))))
      throw socialInsuranceError('SI_INVALID_MONTH', {
        detail: 'a payment run is for the current month or an earlier one',
        fieldErrors: [{ field: 'month', rule: 'invalid', message: 'future month' }],
      });
    return this.dataSource.transaction(async (em) => {
      const at = this.clock.now();
      const retirees: PaymentRunResult['retirees'] = [];
      for (const { id } of await this.repo.allRetireeIds(em)) {
        const r = (await this.repo.findRetiree(em, id, true))!;
        const d = decidePayment(await this.snapshot(em, r), month);
        for (const l of d.lines)
          await this.repo.insertPayment(em, { retireeId: id, month: l.month, amountFen: l.amountFen, kind: l.kind, runMonth: month, at });
        retirees.push({ retireeId: id, status: d.status, ...(d.suspendedFrom ? { suspendedFrom: d.suspendedFrom } : {}), paid: d.lines });
      }
      const totalFen = retirees.reduce((s, r) => s + r.paid.reduce((t, l) => t + l.amountFen, 0), 0);
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.payments.run',
          resource: `payment-run:${month}`,
          outcome: 'success',
          detail: { retirees: retirees.length, totalFen },
        },
        em,
      );
      return { month, retirees, totalFen };
    });
  }

  /** 资格认证 in the city of residence (here), sent to the paying city. A resident confirms themselves; a clerk names the person. */
  async confirm(
    p: UserPrincipal,
    cmd: EligibilityConfirmationCommand,
  ): Promise<{ confirmationId: string; payingCity: string; confirmedOn: string }> {
    const idNumber = p.role === 'resident' ? residentIdentity(p).idNumber : checkedIdNumber(cmd.idNumber ?? '');
    this.payingCity(cmd.payingCity);
    return this.dataSource.transaction(async (em) => {
      const person = await this.repo.ensurePerson(em, idNumber);
      const confirmationId = randomUUID();
      const confirmedOn = toShanghaiDate(this.clock.now());
      await this.repo.insertLifeNotice(em, {
        id: confirmationId,
        direction: 'sent',
        kind: 'eligibility-confirmed',
        otherCity: cmd.payingCity,
        personId: person.id,
        eventDate: confirmedOn,
        method: cmd.method,
        createdBy: actorOf(p),
        at: this.clock.now(),
      });
      await this.outbox.add<EligibilityConfirmed>(em, {
        contract: EligibilityConfirmedV1,
        domain: SOCIAL_INSURANCE_DOMAIN,
        subject: `retiree-notice/${confirmationId}`,
        toCity: cmd.payingCity,
        data: { confirmationId, residenceCity: this.config.cityCode, confirmedOn, method: cmd.method, person: { idNumber } },
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.eligibility.confirm',
          resource: `person:${person.id}`,
          outcome: 'success',
          detail: { payingCity: cmd.payingCity },
        },
        em,
      );
      return { confirmationId, payingCity: cmd.payingCity, confirmedOn };
    });
  }

  /** A death or imprisonment registered here, told to the paying city. */
  async notifyStop(p: UserPrincipal, cmd: StopNoticeCommand): Promise<{ noticeId: string; payingCity: string }> {
    const idNumber = checkedIdNumber(cmd.idNumber);
    this.payingCity(cmd.payingCity);
    if (!isCivilDate(cmd.eventDate) || cmd.eventDate > toShanghaiDate(this.clock.now()))
      throw socialInsuranceError('SI_INVALID_QUERY', {
        fieldErrors: [{ field: 'eventDate', rule: 'invalid', message: 'a past civil date YYYY-MM-DD' }],
      });
    return this.dataSource.transaction(async (em) => {
      const person = await this.repo.ensurePerson(em, idNumber);
      const noticeId = randomUUID();
      await this.repo.insertLifeNotice(em, {
        id: noticeId,
        direction: 'sent',
        kind: cmd.kind,
        otherCity: cmd.payingCity,
        personId: person.id,
        eventDate: cmd.eventDate,
        createdBy: actorOf(p),
        at: this.clock.now(),
      });
      await this.outbox.add<BenefitStopNotified>(em, {
        contract: BenefitStopNotifiedV1,
        domain: SOCIAL_INSURANCE_DOMAIN,
        subject: `retiree-notice/${noticeId}`,
        toCity: cmd.payingCity,
        data: { noticeId, residenceCity: this.config.cityCode, kind: cmd.kind, eventDate: cmd.eventDate, person: { idNumber } },
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: `social-insurance.notice.${cmd.kind}`,
          resource: `person:${person.id}`,
          outcome: 'success',
          detail: { payingCity: cmd.payingCity },
        },
        em,
      );
      return { noticeId, payingCity: cmd.payingCity };
    });
  }

  private payingCity(city: string): void {
    if (!this.registry.get(city) || city === this.config.cityCode)
      throw socialInsuranceError('SI_UNKNOWN_CITY', {
        detail: 'the paying city is another city of the registry',
        fieldErrors: [{ field: 'payingCity', rule: 'invalid', message: 'another city of the registry' }],
      });
  }

  @HandlesEvent(EligibilityConfirmedV1, { consumer: 'social-insurance.eligibility' })
  private async onConfirmed(event: ReceivedEvent<EligibilityConfirmed>, em: EntityManager): Promise<void> {
    const d = event.data;
    const r = await this.retireeFor(em, d.person.idNumber, event.fromCity, d.confirmationId);
    if (!r) return;
    await this.repo.insertLifeNotice(em, {
      id: d.confirmationId,
      direction: 'received',
      kind: 'eligibility-confirmed',
      otherCity: event.fromCity,
      personId: r.person_id,
      eventDate: d.confirmedOn,
      method: d.method,
      createdBy: `city:${event.fromCity}`,
      at: this.clock.now(),
    });
    await this.repo.confirmRetiree(em, r.id, d.confirmedOn, this.clock.now());
    await this.audit.record(
      {
        actor: `city:${event.fromCity}`,
        action: 'social-insurance.eligibility.received',
        resource: `retiree:${r.id}`,
        outcome: 'success',
        detail: { confirmedOn: d.confirmedOn },
      },
      em,
    );
  }

  @HandlesEvent(BenefitStopNotifiedV1, { consumer: 'social-insurance.stop-notices' })
  private async onStop(event: ReceivedEvent<BenefitStopNotified>, em: EntityManager): Promise<void> {
    const d = event.data;
    const r = await this.retireeFor(em, d.person.idNumber, event.fromCity, d.noticeId);
    if (!r) return;
    const at = this.clock.now();
    await this.repo.insertLifeNotice(em, {
      id: d.noticeId,
      direction: 'received',
      kind: d.kind,
      otherCity: event.fromCity,
      personId: r.person_id,
      eventDate: d.eventDate,
      createdBy: `city:${event.fromCity}`,
      at,
    });
    await this.repo.stopRetiree(em, r.id, d.kind, d.eventDate, at);
    const stopped = (await this.repo.findRetiree(em, r.id, true))!;
    const payments = await this.repo.payments(em, r.id);
    const amount = new Map(payments.map((x) => [x.month, Number(x.amount_fen)]));
    const o = overpayment(
      { ...(await this.snapshot(em, stopped)), paidMonths: payments.filter((x) => !x.recovered_by).map((x) => x.month) },
      (m) => amount.get(m) ?? 0,
    );
    if (o.months.length)
      await this.repo.insertRecovery(em, {
        id: randomUUID(),
        retireeId: r.id,
        noticeId: d.noticeId,
        reason: d.kind,
        months: o.months,
        amountFen: o.recoverFen,
        at,
      });
    await this.audit.record(
      {
        actor: `city:${event.fromCity}`,
        action: `social-insurance.stop.${d.kind}`,
        resource: `retiree:${r.id}`,
        outcome: 'success',
        detail: { stopFrom: stopFrom(d.eventDate), recoverFen: o.recoverFen },
      },
      em,
    );
  }

  /** The retiree a notice is about, if paid here and living in the sending city (else the notice is recorded as unmatched in the audit log). */
  private async retireeFor(em: EntityManager, idNumber: string, fromCity: string, noticeId: string): Promise<RetireeRow | undefined> {
    const person = await this.repo.findPerson(em, idNumber);
    const r = person ? await this.repo.retireeOfPerson(em, person.id) : undefined;
    if (!r || r.residence_city !== fromCity) {
      await this.audit.record(
        { actor: `city:${fromCity}`, action: 'social-insurance.notice.unmatched', resource: `notice:${noticeId}`, outcome: 'rejected' },
        em,
      );
      return undefined;
    }
    return r;
  }

  private async snapshot(em: EntityManager, r: RetireeRow): Promise<RetireeSnapshot> {
    const payments = await this.repo.payments(em, r.id);
    return {
      monthlyPensionFen: Number(r.monthly_pension_fen),
      firstMonth: r.first_month,
      lastConfirmedOn: r.last_confirmed_on,
      stop: r.stop_kind && r.stop_event_date ? { kind: r.stop_kind, eventDate: r.stop_event_date } : null,
      paidMonths: payments.map((x) => x.month),
    };
  }

  private async viewOf(em: EntityManager, r: RetireeRow): Promise<RetireeView> {
    const person = await this.repo.personById(em, r.person_id);
    const snap = await this.snapshot(em, r);
    const payments = await this.repo.payments(em, r.id);
    const recoveries = await this.repo.recoveries(em, r.id);
    return {
      id: r.id,
      person: { idNumber: maskIdNumber(person.idNumber), name: person.name ? maskName(person.name) : null },
      residenceCity: r.residence_city,
      monthlyPensionFen: Number(r.monthly_pension_fen),
      firstMonth: r.first_month,
      lastConfirmedOn: r.last_confirmed_on,
      confirmedThrough: confirmedThrough(r.last_confirmed_on),
      status: retireeStatus(snap, monthOfDate(toShanghaiDate(this.clock.now()))),
      stop: snap.stop ? { ...snap.stop, stopFrom: stopFrom(snap.stop.eventDate) } : null,
      payments: payments.map((x) => ({
        month: x.month,
        amountFen: Number(x.amount_fen),
        kind: x.kind,
        runMonth: x.run_month,
        recovered: x.recovered_by !== null,
      })),
      paidFen: payments.reduce((s, x) => s + Number(x.amount_fen), 0),
      recoveries: recoveries.map((x) => ({ id: x.id, reason: x.reason, months: x.months, amountFen: Number(x.amount_fen) })),
      version: r.version,
    };
  }
}
