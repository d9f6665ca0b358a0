import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { WORKING_DAY_CALENDAR, type WorkingDayCalendar } from '@guangfo/catalogue';
import {
  type ContributionMonth,
  type TransferContactLetter,
  TransferContactLetterV1,
  type TransferContinued,
  TransferContinuedV1,
  type TransferEntry,
  type TransferFundsSent,
  TransferFundsSentV1,
  type TransferStep,
} from '@guangfo/contracts';
import { Clock, maskIdNumber, maskName, parseResidentId, stableJson, toShanghaiDate } from '@guangfo/kernel';
import { HandlesEvent, OutboxService, type ReceivedEvent } from '@guangfo/messaging';
import {
  actorOf,
  AuditService,
  CityRegistry,
  NODE_CONFIG,
  type NodeConfig,
  queryRows,
  type UserPrincipal,
  requireVersion,
} from '@guangfo/platform';
import { NATIONAL_ACCOUNT_RATES_BP } from '../domain/account-rates.js';
import { PENSION_SCHEME } from '../domain/contribution.js';
import { refundLines } from '../domain/duplicates.js';
import { needsTemporaryAccount } from '../domain/pension-place.js';
import { computeTransferAmounts } from '../domain/transfer-calculator.js';
import { NEXT_STEP, stepCity, TRANSFER_STEP_WORKING_DAYS, type TransferDeadline, transferDeadlines } from '../domain/transfer-timeline.js';
import { SocialInsuranceRepository, type TransferRow } from '../infrastructure/social-insurance.repository.js';
import { socialInsuranceError } from '../social-insurance.errors.js';
import { Created, idempotencyOf } from './created.js';
import { checkedIdNumber } from './identity.js';
import { type Page, pageRows, readPage } from './paging.js';
import type { TransferApplicationCommand } from './social-insurance.commands.js';

import { SOCIAL_INSURANCE_DOMAIN } from './social-insurance.constants.js';

export interface TransferView {
  id: string;
  fromCity: string;
  toCity: string;
  person: { idNumber: string; name: string | null };
  certificateNo: string;
  temporaryAccount: boolean;
  state: TransferStep;
  version: number;
  timeline: TransferEntry[];
  deadlines: TransferDeadline[];
  nextStep: { step: TransferStep; city: string } | null;
  amounts: TransferFundsSent['amounts'] | null;
  refund: { months: string[]; refundFen: number } | null;
  funds: { reference: string; direction: string; fromCity: string; toCity: string; amountFen: number }[];
  receivedFen: number | null;
}

export interface TransferSummary {
  id: string;
  fromCity: string;
  toCity: string;
  state: TransferStep;
  /** The next step, who takes it and by when (15 working days after the last step). */
  next: { step: TransferStep; city: string; dueOn: string | null } | null;
  createdAt: string;
}

export type TransferPage = Page<TransferSummary>;

const monthsPurpose = (id: string) => `transfer-months:${id}`;
const APPLY_IDEMPOTENCY = idempotencyOf('transfer');

/**
 * 跨省转移接续 of the basic pension (国办发〔2009〕66号 art. 8), when the registry puts the two
 * cities in different provinces: application at the new place (with the 参保缴费凭证), 联系函 to
 * the old place within 15 working days, record and funds within 15, 接续 within 15. Both cities
 * keep the same timeline; the funds are an inter-city transfer record in fen.
 */
@Injectable()
export class TransferService {
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

  private entry(seq: number, step: TransferStep, p: UserPrincipal, note?: string): TransferEntry {
    const now = this.clock.now();
    return {
      seq,
      step,
      city: this.config.cityCode,
      at: now.toISOString(),
      on: toShanghaiDate(now),
      actor: { role: p.role === 'resident' ? 'resident' : 'clerk', city: this.config.cityCode },
      ...(note ? { note } : {}),
    };
  }

  /** 申请: a clerk of the new place (this city) files the application with the certificate from the old place. */
  async apply(p: UserPrincipal, cmd: TransferApplicationCommand, idempotencyHeader?: string): Promise<Created<TransferView>> {
    const key = APPLY_IDEMPOTENCY.key(idempotencyHeader);
    const idNumber = checkedIdNumber(cmd.idNumber);
    const from = this.registry.get(cmd.fromCity);
    if (!from)
      throw socialInsuranceError('SI_UNKNOWN_CITY', {
        detail: `${cmd.fromCity} is not in the registry`,
        fieldErrors: [{ field: 'fromCity', rule: 'invalid', message: 'unknown city' }],
      });
    const here = this.registry.require(this.config.cityCode);
    if (from.code === here.code || from.provinceCode === here.provinceCode)
      throw socialInsuranceError('SI_TRANSFER_NOT_CROSS_PROVINCE', {
        detail: `${from.nameZh} and ${here.nameZh} are in one province: the records are aggregated at claim time, no transfer`,
      });
    if (!/^\d{2}0000$/.test(cmd.hukouRegion))
      throw socialInsuranceError('SI_INVALID_QUERY', {
        detail: 'hukouRegion is a province code',
        fieldErrors: [{ field: 'hukouRegion', rule: 'invalid', message: 'e.g. 440000' }],
      });
    const info = parseResidentId(idNumber)!;
    const today = toShanghaiDate(this.clock.now());
    const temporaryAccount = needsTemporaryAccount({
      birthDate: info.birthDate,
      sex: info.sex,
      hukouRegion: cmd.hukouRegion,
      newRegion: here.provinceCode,
      on: today,
    });
    return this.dataSource.transaction(async (em) => {
      const id = randomUUID();
      if (key) {
        const k = await APPLY_IDEMPOTENCY.claim(em, { caller: actorOf(p), key, body: cmd, resourceId: id });
        if (k.replay) return new Created(await this.viewOf(em, (await this.repo.findTransfer(em, k.resourceId))!), true);
      }
      const person = await this.repo.ensurePerson(em, idNumber, cmd.name);
      const at = this.clock.now();
      await this.repo.insertTransfer(em, {
        id,
        person_id: person.id,
        from_city: from.code,
        to_city: here.code,
        certificate_no: cmd.certificateNo,
        temporary_account: temporaryAccount,
        entries: [this.entry(1, 'applied', p)],
        owner_sub: cmd.residentSub ?? null,
        created_at: at,
        updated_at: at,
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.transfer.apply',
          resource: `transfer:${id}`,
          outcome: 'success',
          detail: { fromCity: from.code, temporaryAccount },
        },
        em,
      );
      return new Created(await this.viewOf(em, (await this.repo.findTransfer(em, id))!), false);
    });
  }

  /** The clerk queue: transfers this city takes part in, newest first, cursor pages; no personal data in the list. */
  async list(q: { limit?: number; cursor?: string }): Promise<TransferPage> {
    const { limit, after } = readPage(q);
    return this.dataSource.transaction(async (em) => {
      const rows = await queryRows<TransferRow>(
        em,
        `SELECT * FROM social_insurance.transfer
          WHERE ($1::timestamptz IS NULL OR (created_at, id) < ($1::timestamptz, $2::uuid))
          ORDER BY created_at DESC, id DESC LIMIT $3`,
        [after?.c ?? null, after?.i ?? null, limit + 1],
      );
      const { page, nextCursor } = pageRows(rows, limit);
      return { items: page.map((t) => this.summaryOf(t)), nextCursor };
    });
  }

  private summaryOf(t: TransferRow): TransferSummary {
    const lastEntry = t.entries.at(-1)!;
    const next = NEXT_STEP[lastEntry.step];
    let dueOn: string | null = null;
    try {
      dueOn = next ? this.calendar.addWorkingDays(lastEntry.on, TRANSFER_STEP_WORKING_DAYS) : null;
    } catch {
      dueOn = null;
    }
    return {
      id: t.id,
      fromCity: t.from_city,
      toCity: t.to_city,
      state: lastEntry.step,
      next: next ? { step: next, city: stepCity(next, { fromCity: t.from_city, toCity: t.to_city }), dueOn } : null,
      createdAt: new Date(t.created_at).toISOString(),
    };
  }

  async get(p: UserPrincipal, id: string): Promise<TransferView> {
    return this.dataSource.transaction(async (em) => {
      const t = await this.repo.findTransfer(em, id);
      // A resident sees a transfer linked to their account only while their token's verified identity is the person's.
      const person = t && p.role === 'resident' ? await this.repo.personById(em, t.person_id) : undefined;
      const allowed =
        t && (p.role === 'resident' ? t.owner_sub === p.sub && p.identity?.idNumber === person?.idNumber : p.city === this.config.cityCode);
      if (!t || !allowed) throw socialInsuranceError('SI_TRANSFER_NOT_FOUND', { detail: `no transfer ${id} you may see` });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.transfer.read',
          resource: `person:${t.person_id}`,
          outcome: 'success',
          detail: { transferId: id },
        },
        em,
      );
      return this.viewOf(em, t);
    });
  }

  /** Runs one step: the transfer must be at the step before and this city must be the one taking it. */
  private async step(
    p: UserPrincipal,
    id: string,
    step: TransferStep,
    ifMatch: string | undefined,
    run: (em: EntityManager, t: TransferRow, entry: TransferEntry) => Promise<void>,
    note?: string,
  ): Promise<TransferView> {
    return this.dataSource.transaction(async (em) => {
      const t = await this.repo.findTransfer(em, id, true);
      if (!t) throw socialInsuranceError('SI_TRANSFER_NOT_FOUND', { detail: `no transfer ${id}` });
      requireVersion(t.version, ifMatch, 'transfer');
      const current = t.entries.at(-1)!.step;
      if (NEXT_STEP[current] !== step)
        throw socialInsuranceError('SI_TRANSFER_STEP_NOT_ALLOWED', {
          detail: `the transfer is at ${current}; next is ${NEXT_STEP[current] ?? 'nothing'}`,
          extra: { state: current },
        });
      const city = stepCity(step, { fromCity: t.from_city, toCity: t.to_city });
      if (city !== this.config.cityCode)
        throw socialInsuranceError('SI_TRANSFER_NOT_YOUR_STEP', { detail: `city ${city} takes the step ${step}`, extra: { city } });
      if (t.temporary_account)
        throw socialInsuranceError('SI_TRANSFER_STEP_NOT_ALLOWED', {
          detail: 'a temporary account was opened (国办发〔2009〕66号 art. 6): the relationship stays at the old place, nothing moves now',
        });
      const entry = this.entry(t.entries.length + 1, step, p, note);
      await run(em, t, entry);
      await this.audit.record(
        { actor: actorOf(p), action: `social-insurance.transfer.${step}`, resource: `transfer:${id}`, outcome: 'success' },
        em,
      );
      return this.viewOf(em, (await this.repo.findTransfer(em, id))!);
    });
  }

  /** 联系函 (new place → old place), with the employee-pension months the new place already holds. */
  contactLetter(p: UserPrincipal, id: string, ifMatch?: string, note?: string): Promise<TransferView> {
    return this.step(
      p,
      id,
      'contact-letter-sent',
      ifMatch,
      async (em, t, entry) => {
        const entries = [...t.entries, entry];
        const person = await this.repo.personById(em, t.person_id);
        const held = (await this.repo.monthsOf(em, t.person_id, this.config.cityCode))
          .filter((m) => m.scheme === PENSION_SCHEME && !m.refunded)
          .map((m) => m.month);
        await this.repo.updateTransfer(em, t.id, { entries, at: this.clock.now() });
        await this.outbox.add<TransferContactLetter>(em, {
          contract: TransferContactLetterV1,
          domain: SOCIAL_INSURANCE_DOMAIN,
          subject: `transfer/${t.id}`,
          toCity: t.from_city,
          data: {
            transferId: t.id,
            fromCity: t.from_city,
            toCity: t.to_city,
            certificateNo: t.certificate_no,
            temporaryAccount: t.temporary_account,
            entries: entries as [TransferEntry, TransferEntry],
            heldMonths: held,
            person: { idNumber: person.idNumber, name: person.name ?? '' },
          },
        });
      },
      note,
    );
  }

  /** The old place receives the letter: its copy of the transfer, the same timeline. */
  @HandlesEvent(TransferContactLetterV1, { consumer: 'social-insurance.transfer-letters' })
  private async onLetter(event: ReceivedEvent<TransferContactLetter>, em: EntityManager): Promise<void> {
    const d = event.data;
    if (d.fromCity !== this.config.cityCode || d.toCity !== event.fromCity)
      throw new Error(`contact letter ${d.transferId} not between ${event.fromCity} and this city`);
    if (await this.repo.findTransfer(em, d.transferId)) return;
    const person = await this.repo.ensurePerson(em, d.person.idNumber, d.person.name || undefined);
    const at = this.clock.now();
    await this.repo.insertTransfer(em, {
      id: d.transferId,
      person_id: person.id,
      from_city: d.fromCity,
      to_city: d.toCity,
      certificate_no: d.certificateNo,
      temporary_account: d.temporaryAccount,
      entries: d.entries,
      owner_sub: null,
      created_at: at,
      updated_at: at,
    });
    // The months the new place holds, kept for the funds step (duplicates are refunded here).
    await this.repo.updateTransfer(em, d.transferId, { entries: d.entries, refund: { heldMonths: d.heldMonths }, at });
  }

  /** 转出: the old place refunds months the new place also holds, computes the amounts and sends the record and the funds. */
  sendFunds(p: UserPrincipal, id: string, ifMatch?: string, note?: string): Promise<TransferView> {
    return this.step(
      p,
      id,
      'funds-transferred',
      ifMatch,
      async (em, t, entry) => {
        const entries = [...t.entries, entry];
        const heldAtNewPlace = (t.refund as { heldMonths?: string[] } | null)?.heldMonths ?? [];
        const own = await this.repo.monthsOf(em, t.person_id, this.config.cityCode);
        const dup = refundLines(own, heldAtNewPlace);
        const at = this.clock.now();
        if (dup.lines.length) {
          const refundId = randomUUID();
          await this.repo.insertRefund(em, {
            id: refundId,
            caseId: t.id,
            personId: t.person_id,
            direction: 'paid',
            otherCity: t.to_city,
            months: dup.lines.map((l) => l.month),
            lines: dup.lines,
            already: dup.alreadyRefunded,
            refundFen: dup.refundFen,
            state: 'refunded',
            at,
          });
          await this.repo.markRefunded(
            em,
            t.person_id,
            dup.lines.map((l) => l.month),
            refundId,
          );
        }
        const months: ContributionMonth[] = (await this.repo.monthsOf(em, t.person_id, this.config.cityCode)).filter(
          (m) => m.scheme === PENSION_SCHEME,
        );
        const amounts = computeTransferAmounts(months, { asOfYear: Number(entry.on.slice(0, 4)), ratesBp: NATIONAL_ACCOUNT_RATES_BP });
        const reference = `ZY-${t.from_city}-${t.id.slice(0, 8)}`;
        const refund = { months: dup.lines.map((l) => l.month), refundFen: dup.refundFen };
        await this.repo.bookFunds(em, {
          reference,
          transferId: t.id,
          direction: 'out',
          fromCity: t.from_city,
          toCity: t.to_city,
          personalAccountFen: amounts.personalAccount.totalFen,
          pooledFen: amounts.pooled.totalFen,
          at,
        });
        await this.repo.updateTransfer(em, t.id, { entries, amounts, refund, at });
        await this.outbox.add<TransferFundsSent>(em, {
          contract: TransferFundsSentV1,
          domain: SOCIAL_INSURANCE_DOMAIN,
          subject: `transfer/${t.id}`,
          toCity: t.to_city,
          data: {
            transferId: t.id,
            entry,
            amounts,
            months,
            fundTransfer: { reference, fromCity: t.from_city, toCity: t.to_city, amountFen: amounts.totalFen },
            refund,
          },
        });
      },
      note,
    );
  }

  @HandlesEvent(TransferFundsSentV1, { consumer: 'social-insurance.transfer-funds' })
  private async onFunds(event: ReceivedEvent<TransferFundsSent>, em: EntityManager): Promise<void> {
    const d = event.data;
    const t = await this.repo.findTransfer(em, d.transferId, true);
    if (!t || t.from_city !== event.fromCity)
      throw new Error(`funds for transfer ${d.transferId} from ${event.fromCity}: no such transfer here`);
    if (t.entries.some((e) => e.seq === d.entry.seq)) return;
    if (d.months.some((m) => m.city !== event.fromCity)) throw new Error('funds carry months of another city');
    await this.repo.updateTransfer(em, t.id, {
      entries: [...t.entries, d.entry],
      amounts: d.amounts,
      refund: { ...d.refund, reference: d.fundTransfer.reference },
      monthsCipher: this.repo.sealMonths(monthsPurpose(t.id), d.months),
      at: this.clock.now(),
    });
  }

  /** 接续: the new place recomputes what arrived from the record; it must equal what left; the funds are booked in. */
  continue(p: UserPrincipal, id: string, ifMatch?: string, note?: string): Promise<TransferView> {
    return this.step(
      p,
      id,
      'continued',
      ifMatch,
      async (em, t, entry) => {
        const months = this.repo.openMonths(monthsPurpose(t.id), t.months_cipher!);
        const sentOn = t.entries.find((e) => e.step === 'funds-transferred')!.on;
        const recomputed = computeTransferAmounts(months, { asOfYear: Number(sentOn.slice(0, 4)), ratesBp: NATIONAL_ACCOUNT_RATES_BP });
        if (stableJson(recomputed) !== stableJson(t.amounts))
          throw socialInsuranceError('SI_TRANSFER_STEP_NOT_ALLOWED', {
            detail: 'the amounts sent do not match the record sent: ask the old place to correct them',
            extra: { sent: t.amounts, recomputed },
          });
        const reference = (t.refund as { reference?: string } | null)?.reference ?? `ZY-${t.from_city}-${t.id.slice(0, 8)}`;
        const at = this.clock.now();
        await this.repo.bookFunds(em, {
          reference,
          transferId: t.id,
          direction: 'in',
          fromCity: t.from_city,
          toCity: t.to_city,
          personalAccountFen: recomputed.personalAccount.totalFen,
          pooledFen: recomputed.pooled.totalFen,
          at,
        });
        const entries = [...t.entries, entry];
        await this.repo.updateTransfer(em, t.id, { entries, receivedFen: recomputed.totalFen, at });
        await this.outbox.add<TransferContinued>(em, {
          contract: TransferContinuedV1,
          domain: SOCIAL_INSURANCE_DOMAIN,
          subject: `transfer/${t.id}`,
          toCity: t.from_city,
          data: { transferId: t.id, entry, receivedFen: recomputed.totalFen },
        });
      },
      note,
    );
  }

  @HandlesEvent(TransferContinuedV1, { consumer: 'social-insurance.transfer-continued' })
  private async onContinued(event: ReceivedEvent<TransferContinued>, em: EntityManager): Promise<void> {
    const d = event.data;
    const t = await this.repo.findTransfer(em, d.transferId, true);
    if (!t || t.to_city !== event.fromCity)
      throw new Error(`continuation of transfer ${d.transferId} from ${event.fromCity}: no such transfer here`);
    if (t.entries.some((e) => e.seq === d.entry.seq)) return;
    await this.repo.updateTransfer(em, t.id, { entries: [...t.entries, d.entry], receivedFen: d.receivedFen, at: this.clock.now() });
  }

  private async viewOf(em: EntityManager, t: TransferRow): Promise<TransferView> {
    const person = await this.repo.personById(em, t.person_id);
    const state = t.entries.at(-1)!.step;
    const next = NEXT_STEP[state];
    let deadlines: TransferDeadline[] = [];
    try {
      deadlines = transferDeadlines(
        this.calendar,
        { fromCity: t.from_city, toCity: t.to_city, entries: t.entries },
        toShanghaiDate(this.clock.now()),
      );
    } catch {
      deadlines = []; // a date past the calendar's coverage: no deadline can be stated
    }
    const refund = t.refund as { months?: string[]; refundFen?: number } | null;
    const funds = await this.repo.fundsOf(em, t.id);
    return {
      id: t.id,
      fromCity: t.from_city,
      toCity: t.to_city,
      person: { idNumber: maskIdNumber(person.idNumber), name: person.name ? maskName(person.name) : null },
      certificateNo: t.certificate_no,
      temporaryAccount: t.temporary_account,
      state,
      version: t.version,
      timeline: t.entries,
      deadlines,
      nextStep: next ? { step: next, city: stepCity(next, { fromCity: t.from_city, toCity: t.to_city }) } : null,
      amounts: t.amounts,
      refund: refund?.months ? { months: refund.months, refundFen: refund.refundFen ?? 0 } : null,
      funds: funds.map((f) => ({
        reference: f.reference,
        direction: f.direction,
        fromCity: f.from_city,
        toCity: f.to_city,
        amountFen: Number(f.amount_fen),
      })),
      receivedFen: t.received_fen === null ? null : Number(t.received_fen),
    };
  }
}
