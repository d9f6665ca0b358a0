import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type DuplicateRefundRequested, DuplicateRefundRequestedV1, type RecordReturned, RecordReturnedV1 } from '@guangfo/contracts';
import { Clock, maskIdNumber, maskName } from '@guangfo/kernel';
import { HandlesEvent, OutboxService, type ReceivedEvent } from '@guangfo/messaging';
import { actorOf, AuditService, CityRegistry, NODE_CONFIG, type NodeConfig, queryRows, type UserPrincipal } from '@guangfo/platform';
import { PENSION_SCHEME } from '../domain/contribution.js';
import { refundsByCity } from '../domain/duplicates.js';
import { pensionPlace } from '../domain/pension-place.js';
import { type ClaimRow, SocialInsuranceRepository } from '../infrastructure/social-insurance.repository.js';
import { socialInsuranceError } from '../social-insurance.errors.js';
import { Created, idempotencyOf } from './created.js';
import { checkedIdNumber, residentIdentity } from './identity.js';
import { type Page, pageRows, readPage } from './paging.js';
import { RecordExchange } from './record-exchange.service.js';
import { combinedRecord, type CombinedRecordView } from './record-view.js';
import type { PensionClaimCommand } from './social-insurance.commands.js';
import { SOCIAL_INSURANCE_DOMAIN } from './social-insurance.constants.js';

const CLAIM_IDEMPOTENCY = idempotencyOf('pension-claim');

/** A row of the claim list: the claimant masked, no record. */
export interface ClaimSummary {
  id: string;
  state: 'assembling' | 'aggregated';
  version: number;
  hukouRegion: string;
  person: { idNumber: string; name: string | null };
  createdAt: string;
}

export interface ClaimView {
  id: string;
  state: 'assembling' | 'aggregated';
  version: number;
  hukouRegion: string;
  record: CombinedRecordView;
  /** Set once every city of the province answered. */
  aggregation: Record<string, unknown> | null;
  refunds: { id: string; direction: string; city: string; months: string[]; refundFen: number | null; state: string }[];
  createdAt: string;
}

/**
 * 养老保险待遇申领, in-province: since 2021-04-01 Guangdong has no transfer procedure between its
 * cities under provincial pooling (粤社保函〔2021〕66号, as quoted by third parties — unconfirmed):
 * records stay where they were paid and the last insured city aggregates them at claim time. The
 * claim asks every other city of the province for the person's record (purpose `pension-claim`,
 * the claim as the case), combines, finds duplicate months (the claim city keeps its own and asks
 * the other to refund), and applies the 10-year rule to say where the pension is drawn.
 */
@Injectable()
export class ClaimService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: CityRegistry,
    private readonly dataSource: DataSource,
    private readonly repo: SocialInsuranceRepository,
    private readonly exchange: RecordExchange,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async file(p: UserPrincipal, cmd: PensionClaimCommand, idempotencyHeader?: string): Promise<Created<ClaimView>> {
    const key = CLAIM_IDEMPOTENCY.key(idempotencyHeader);
    const who = p.role === 'resident' ? residentIdentity(p) : { idNumber: checkedIdNumber(cmd.idNumber ?? ''), name: cmd.name ?? '' };
    if (!/^\d{2}0000$/.test(cmd.hukouRegion))
      throw socialInsuranceError('SI_INVALID_QUERY', {
        detail: 'hukouRegion is a province code',
        fieldErrors: [{ field: 'hukouRegion', rule: 'invalid', message: 'e.g. 440000' }],
      });
    const province = this.registry.require(this.config.cityCode).provinceCode;
    const cities = this.registry
      .all()
      .filter((c) => c.code !== this.config.cityCode && c.provinceCode === province)
      .map((c) => c.code);
    return this.dataSource.transaction(async (em) => {
      const id = randomUUID();
      if (key) {
        const k = await CLAIM_IDEMPOTENCY.claim(em, { caller: actorOf(p), key, body: cmd, resourceId: id });
        if (k.replay) return new Created(await this.viewOf(em, k.resourceId), true);
      }
      const person = await this.repo.ensurePerson(em, who.idNumber, who.name || undefined);
      const requestId = await this.exchange.request(em, {
        personId: person.id,
        idNumber: who.idNumber,
        purpose: 'pension-claim',
        caseId: id,
        requestedBy: actorOf(p),
        role: p.role === 'resident' ? 'resident' : 'clerk',
        ownerSub: p.role === 'resident' ? p.sub : null,
        consentScope: '养老保险待遇申领（省内归集）',
        cities,
      });
      const at = this.clock.now();
      await this.repo.insertClaim(em, {
        id,
        person_id: person.id,
        request_id: requestId,
        hukou_region: cmd.hukouRegion,
        state: 'assembling',
        filed_by: actorOf(p),
        owner_sub: p.role === 'resident' ? p.sub : null,
        created_at: at,
        updated_at: at,
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.claim.file',
          resource: `pension-claim:${id}`,
          outcome: 'success',
          detail: { askedCities: cities },
        },
        em,
      );
      if (cities.length === 0) await this.aggregate(em, (await this.repo.findClaim(em, id, true))!);
      return new Created(await this.viewOf(em, id), false, 202);
    });
  }

  /**
   * The list: a clerk sees this city's claims, a resident only the claims they filed; newest first
   * (filter by state); the claimant masked; audited.
   */
  async list(p: UserPrincipal, q: { limit?: number; cursor?: string; state?: ClaimView['state'] }): Promise<Page<ClaimSummary>> {
    const { limit, after } = readPage(q);
    return this.dataSource.transaction(async (em) => {
      const rows = await queryRows<ClaimRow>(
        em,
        `SELECT * FROM social_insurance.pension_claim
          WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR owner_sub = $2)
            AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
          ORDER BY created_at DESC, id DESC LIMIT $5`,
        [q.state ?? null, p.role === 'resident' ? p.sub : null, after?.c ?? null, after?.i ?? null, limit + 1],
      );
      const { page, nextCursor } = pageRows(rows, limit);
      const items: ClaimSummary[] = [];
      for (const c of page) {
        const person = await this.repo.personById(em, c.person_id);
        items.push({
          id: c.id,
          state: c.state,
          version: c.version,
          hukouRegion: c.hukou_region,
          person: { idNumber: maskIdNumber(person.idNumber), name: person.name ? maskName(person.name) : null },
          createdAt: new Date(c.created_at).toISOString(),
        });
      }
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.claim.list',
          resource: 'pension-claim:*',
          outcome: 'success',
          detail: { count: items.length, claims: page.map((c) => c.id), persons: page.map((c) => c.person_id) },
        },
        em,
      );
      return { items, nextCursor };
    });
  }

  async get(p: UserPrincipal, id: string): Promise<ClaimView> {
    return this.dataSource.transaction(async (em) => {
      const c = await this.repo.findClaim(em, id);
      const mine = c && (p.role === 'resident' ? c.owner_sub === p.sub : p.city === this.config.cityCode);
      if (!c || !mine) throw socialInsuranceError('SI_CLAIM_NOT_FOUND', { detail: `no pension claim ${id} you may see` });
      const view = await this.viewOf(em, id);
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.claim.read',
          resource: `person:${c.person_id}`,
          outcome: 'success',
          detail: { claimId: id },
        },
        em,
      );
      return view;
    });
  }

  /** Another city's answer: stored once; when it completes a claim's record, the claim is aggregated. */
  @HandlesEvent(RecordReturnedV1, { consumer: 'social-insurance.record-answers' })
  private async onAnswer(event: ReceivedEvent<RecordReturned>, em: EntityManager): Promise<void> {
    const d = event.data;
    if (d.city !== event.fromCity) throw new Error(`a record of ${d.city} sent by ${event.fromCity}`);
    const request = await this.repo.findRequest(em, d.requestId);
    if (!request || !request.asked_cities.includes(event.fromCity))
      throw new Error(`record answer for request ${d.requestId} this city did not send to ${event.fromCity}`);
    if (d.months.some((m) => m.city !== event.fromCity)) throw new Error(`${event.fromCity} answered with months of another city`);
    if (!(await this.repo.insertAnswer(em, d.requestId, event.fromCity, d.months, this.clock.now()))) return;
    if (request.purpose !== 'pension-claim') return;
    const claim = await this.repo.claimOfRequest(em, d.requestId);
    if (claim && claim.state === 'assembling') {
      const answers = await this.repo.answers(em, d.requestId);
      if (request.asked_cities.every((c) => answers.some((a) => a.city === c))) await this.aggregate(em, claim);
    }
  }

  private async combined(em: EntityManager, claim: ClaimRow) {
    const request = (await this.repo.findRequest(em, claim.request_id))!;
    const person = await this.repo.personById(em, claim.person_id);
    const own = await this.repo.monthsOf(em, person.id, this.config.cityCode);
    const answers = await this.repo.answers(em, claim.request_id);
    return {
      person,
      record: combinedRecord(person, { city: this.config.cityCode, months: own }, request.asked_cities, answers, this.config.cityCode),
    };
  }

  /** Aggregation without a transfer: totals, the last insured city, duplicates (refund asked), the 10-year rule. */
  private async aggregate(em: EntityManager, claim: ClaimRow): Promise<void> {
    const { person, record } = await this.combined(em, claim);
    const pension = record.all.filter((m) => m.scheme === PENSION_SCHEME && !m.refunded);
    const last = [...pension].sort((a, b) => b.month.localeCompare(a.month) || a.city.localeCompare(b.city))[0];
    const byCity: Record<string, number> = {};
    for (const m of pension) byCity[m.city] = (byCity[m.city] ?? 0) + 1;
    const place = pensionPlace(record.all, claim.hukou_region, (c) => this.registry.get(c)?.provinceCode ?? c);
    const province = this.registry.require(this.config.cityCode).provinceCode;
    const refunds = refundsByCity(record.duplicates.filter((d) => d.keptCity === this.config.cityCode));
    const at = this.clock.now();
    for (const [city, months] of refunds) {
      const refundId = randomUUID();
      await this.repo.insertRefund(em, {
        id: refundId,
        caseId: claim.id,
        personId: person.id,
        direction: 'requested',
        otherCity: city,
        months,
        state: 'requested',
        at,
      });
      await this.outbox.add<DuplicateRefundRequested>(em, {
        contract: DuplicateRefundRequestedV1,
        domain: SOCIAL_INSURANCE_DOMAIN,
        subject: `refund/${refundId}`,
        toCity: city,
        data: {
          refundId,
          caseId: claim.id,
          scheme: 'employee-pension',
          months,
          keptCity: this.config.cityCode,
          person: { idNumber: person.idNumber },
        },
      });
    }
    const duplicateMonths = new Set(record.duplicates.map((d) => d.month));
    const result = {
      aggregatedWithoutTransfer: true,
      pensionMonths: new Set(pension.map((m) => m.month)).size,
      pensionMonthsByCity: byCity,
      duplicateMonths: [...duplicateMonths].sort(),
      lastInsuredCity: last?.city ?? null,
      handledHere: last?.city === this.config.cityCode,
      pensionPlace: place,
      drawnInThisProvince: place.region === province,
      personalAccountFen: pension
        .filter((m) => !(duplicateMonths.has(m.month) && m.city !== this.config.cityCode))
        .reduce((s, m) => s + m.personalAccountFen, 0),
    };
    await this.repo.settleClaim(em, claim.id, result, at);
    await this.audit.record(
      {
        actor: `city:${this.config.cityCode}`,
        action: 'social-insurance.claim.aggregate',
        resource: `pension-claim:${claim.id}`,
        outcome: 'success',
        detail: { refunds: refunds.size },
      },
      em,
    );
  }

  private async viewOf(em: EntityManager, id: string): Promise<ClaimView> {
    const claim = (await this.repo.findClaim(em, id))!;
    const { record } = await this.combined(em, claim);
    const { all: _all, ...shown } = record;
    const refunds = await this.repo.refundsOfCase(em, id);
    return {
      id,
      state: claim.state,
      version: claim.version,
      hukouRegion: claim.hukou_region,
      record: shown,
      aggregation: claim.result,
      refunds: refunds.map((r) => ({
        id: r.id,
        direction: r.direction,
        city: r.other_city,
        months: r.months,
        refundFen: r.refund_fen === null ? null : Number(r.refund_fen),
        state: r.state,
      })),
      createdAt: new Date(claim.created_at).toISOString(),
    };
  }
}
