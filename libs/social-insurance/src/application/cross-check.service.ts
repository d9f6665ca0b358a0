import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type CrossCheckAnswered,
  CrossCheckAnsweredV1,
  type CrossCheckRequested,
  CrossCheckRequestedV1,
  type CrossCheckSource,
  type InvestigationClosed,
  InvestigationClosedV1,
  type InvestigationOutcome,
} from '@guangfo/contracts';
import { Clock, isCivilDate, maskIdNumber, maskName, toShanghaiDate } from '@guangfo/kernel';
import { HandlesEvent, OutboxService, type ReceivedEvent } from '@guangfo/messaging';
import {
  actorOf,
  AuditService,
  CityRegistry,
  NODE_CONFIG,
  type NodeConfig,
  type UserPrincipal,
  requireVersion,
  ScheduledJob,
} from '@guangfo/platform';
import { CrossCheckRepository, type CrossCheckRow, type InvestigationRow } from '../infrastructure/cross-check.repository.js';
import { MatchKeys } from '../infrastructure/match-keys.js';
import { SocialInsuranceRepository } from '../infrastructure/social-insurance.repository.js';
import { socialInsuranceError } from '../social-insurance.errors.js';
import { checkedIdNumber } from './identity.js';
import { type Page, pageRows, readPage } from './paging.js';

import { SOCIAL_INSURANCE_DOMAIN } from './social-insurance.constants.js';

const SOURCES: CrossCheckSource[] = ['death-records', 'prison-records'];
/** How often each peer city is cross-checked (SOCIAL_INSURANCE_CROSS_CHECK_HOURS, default daily). */
const intervalMs = () => Number(process.env.SOCIAL_INSURANCE_CROSS_CHECK_HOURS ?? 24) * 3_600_000;
/** How often the schedule is looked at (SOCIAL_INSURANCE_CROSS_CHECK_POLL_MS, default a minute). */
const pollMs = () => Number(process.env.SOCIAL_INSURANCE_CROSS_CHECK_POLL_MS ?? 60_000);

export interface CrossCheckView {
  id: string;
  otherCity: string;
  keyId: string;
  hashCount: number;
  trigger: string;
  state: string;
  hits: number | null;
  investigations: string[];
  createdAt: string;
}

export interface InvestigationView {
  id: string;
  checkId: string;
  /** `paying`: this city pays the person; `registry`: this city holds the death or prison record. */
  side: 'paying' | 'registry';
  otherCity: string;
  source: string;
  eventDate: string;
  state: 'open' | 'closed';
  /** The ETag: If-Match of the close. */
  version: number;
  /** Once closed (by either city): the outcome, the reason, which city closed it and when. */
  closed: { outcome: InvestigationOutcome; reason: string; city: string; on: string } | null;
  /** The person as this city knows them: revealed to this city's clerks only (the other city's identity never crosses). */
  person: { idNumber: string; name: string | null } | null;
}

/** A row of the clerk list: this city's own person, masked. */
export type InvestigationSummary = Omit<InvestigationView, 'closed'> & { outcome: InvestigationOutcome | null; createdAt: string };

/**
 * 数据比对 without ID numbers: the paying city sends its benefit roll as HMAC-SM3 keyed hashes (the
 * cities' shared match key, by key id); the other city matches them against its death and prison
 * records and answers with the hits only. Each hit is a joint investigation both cities' clerks
 * see; each city reveals only its own person, to its own clerks. On demand and on a schedule
 * (every peer, SOCIAL_INSURANCE_CROSS_CHECK_HOURS).
 */
@Injectable()
export class CrossCheckService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CrossCheckService.name);
  private readonly job: ScheduledJob;

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: CityRegistry,
    private readonly dataSource: DataSource,
    private readonly repo: SocialInsuranceRepository,
    private readonly checks: CrossCheckRepository,
    private readonly keys: MatchKeys,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.job = new ScheduledJob(
      dataSource,
      {
        name: 'social-insurance cross-checks',
        table: 'social_insurance.cross_check_schedule',
        key: 'other_city',
        // One row per peer city; the first check an interval after the city first starts.
        rows: () =>
          registry.peersOf(config.cityCode).map((c) => ({ key: c.code, firstRunAt: new Date(clock.now().getTime() + intervalMs()) })),
        everyMs: intervalMs,
        pollMs,
        leaseMs: 300_000,
        run: async (otherCity) => {
          const check = this.keys.current()
            ? await this.dataSource.transaction((em) => this.send(em, otherCity, 'schedule', 'system'))
            : null;
          return { last_check: check?.id ?? null };
        },
      },
      this.logger,
    );
  }

  onApplicationBootstrap(): Promise<void> {
    return this.job.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }

  /** A death or prison term registered in this city (the records other cities' rolls are matched against). */
  async recordCivil(
    p: UserPrincipal,
    cmd: { idNumber: string; source: CrossCheckSource; eventDate: string },
  ): Promise<{ id: string; recorded: boolean }> {
    const idNumber = checkedIdNumber(cmd.idNumber);
    if (!isCivilDate(cmd.eventDate) || cmd.eventDate > toShanghaiDate(this.clock.now()))
      throw socialInsuranceError('SI_INVALID_QUERY', {
        fieldErrors: [{ field: 'eventDate', rule: 'invalid', message: 'a past civil date YYYY-MM-DD' }],
      });
    return this.dataSource.transaction(async (em) => {
      const person = await this.repo.ensurePerson(em, idNumber);
      const id = randomUUID();
      const recorded = await this.checks.insertCivilRecord(em, {
        id,
        personId: person.id,
        source: cmd.source,
        eventDate: cmd.eventDate,
        by: actorOf(p),
        at: this.clock.now(),
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: `social-insurance.civil-record.${cmd.source}`,
          resource: `person:${person.id}`,
          outcome: 'success',
          detail: { recorded },
        },
        em,
      );
      return { id, recorded };
    });
  }

  /** On demand: check this city's benefit roll against `otherCity`'s records. */
  async start(p: UserPrincipal, otherCity: string): Promise<CrossCheckView> {
    if (!this.registry.get(otherCity) || otherCity === this.config.cityCode)
      throw socialInsuranceError('SI_UNKNOWN_CITY', {
        fieldErrors: [{ field: 'city', rule: 'invalid', message: 'another city of the registry' }],
      });
    if (!this.keys.current())
      throw socialInsuranceError('SI_CROSS_CHECK_NOT_CONFIGURED', { detail: 'no shared match key (SOCIAL_INSURANCE_MATCH_KEYS)' });
    return this.dataSource.transaction(async (em) => {
      const c = await this.send(em, otherCity, 'on-demand', actorOf(p));
      return this.viewOf(em, c);
    });
  }

  private async send(em: EntityManager, otherCity: string, trigger: 'on-demand' | 'schedule', by: string): Promise<CrossCheckRow> {
    const key = this.keys.current()!;
    const roll = await this.checks.benefitRoll(em);
    const hashes: string[] = [];
    for (const r of roll) hashes.push(this.keys.hash(key.keyId, (await this.repo.personById(em, r.person_id)).idNumber));
    hashes.sort();
    const id = randomUUID();
    const at = this.clock.now();
    await this.checks.insertCheck(em, {
      id,
      other_city: otherCity,
      key_id: key.keyId,
      hash_count: hashes.length,
      trigger,
      requestedBy: by,
      created_at: at,
    });
    await this.outbox.add<CrossCheckRequested>(em, {
      contract: CrossCheckRequestedV1,
      domain: SOCIAL_INSURANCE_DOMAIN,
      subject: `cross-check/${id}`,
      toCity: otherCity,
      data: { checkId: id, keyId: key.keyId, sources: SOURCES, hashes },
    });
    await this.audit.record(
      {
        actor: by === 'system' ? 'system' : by,
        action: 'social-insurance.cross-check.send',
        resource: `cross-check:${id}`,
        outcome: 'success',
        detail: { otherCity, trigger, hashes: hashes.length, keyId: key.keyId },
      },
      em,
    );
    return (await this.checks.findCheck(em, id))!;
  }

  async get(p: UserPrincipal, id: string): Promise<CrossCheckView> {
    return this.dataSource.transaction(async (em) => {
      const c = await this.checks.findCheck(em, id);
      if (!c) throw socialInsuranceError('SI_CROSS_CHECK_NOT_FOUND', { detail: `no cross-check ${id}` });
      return this.viewOf(em, c);
    });
  }

  /** The matching side: hashes of this city's records under the named key; hits become investigations here and are answered. */
  @HandlesEvent(CrossCheckRequestedV1, { consumer: 'social-insurance.cross-check-requests' })
  private async onRequested(event: ReceivedEvent<CrossCheckRequested>, em: EntityManager): Promise<void> {
    const d = event.data;
    const reply = (data: CrossCheckAnswered) =>
      this.outbox.add<CrossCheckAnswered>(em, {
        contract: CrossCheckAnsweredV1,
        domain: SOCIAL_INSURANCE_DOMAIN,
        subject: `cross-check/${d.checkId}`,
        toCity: event.fromCity,
        data,
      });
    if (!this.keys.has(d.keyId)) {
      await reply({ checkId: d.checkId, keyId: d.keyId, refused: 'UNKNOWN_KEY', hits: [] });
      return;
    }
    const wanted = new Set(d.hashes);
    const hits: CrossCheckAnswered['hits'] = [];
    const at = this.clock.now();
    for (const r of await this.checks.civilRecords(em, d.sources)) {
      const hash = this.keys.hash(d.keyId, (await this.repo.personById(em, r.person_id)).idNumber);
      if (!wanted.has(hash)) continue;
      const investigationId = randomUUID();
      hits.push({ investigationId, hash, source: r.source as CrossCheckSource, eventDate: r.event_date });
      await this.checks.insertInvestigation(em, {
        id: investigationId,
        check_id: d.checkId,
        side: 'registry',
        other_city: event.fromCity,
        key_id: d.keyId,
        hash,
        source: r.source,
        event_date: r.event_date,
        person_id: r.person_id,
        created_at: at,
      });
    }
    await this.audit.record(
      {
        actor: `city:${event.fromCity}`,
        action: 'social-insurance.cross-check.match',
        resource: `cross-check:${d.checkId}`,
        outcome: 'success',
        detail: { hashes: d.hashes.length, hits: hits.length },
      },
      em,
    );
    await reply({ checkId: d.checkId, keyId: d.keyId, hits });
  }

  /** The paying side: each hit is an investigation here too, linked to the person this city pays. */
  @HandlesEvent(CrossCheckAnsweredV1, { consumer: 'social-insurance.cross-check-answers' })
  private async onAnswered(event: ReceivedEvent<CrossCheckAnswered>, em: EntityManager): Promise<void> {
    const d = event.data;
    const c = await this.checks.findCheck(em, d.checkId, true);
    if (!c || c.other_city !== event.fromCity) throw new Error(`cross-check answer ${d.checkId} from ${event.fromCity}: no such check`);
    if (c.state !== 'sent') return;
    const at = this.clock.now();
    if (d.refused) {
      await this.checks.answerCheck(em, c.id, 'refused', 0, at);
      return;
    }
    const byHash = new Map<string, string>();
    if (this.keys.has(d.keyId))
      for (const r of await this.checks.benefitRoll(em))
        byHash.set(this.keys.hash(d.keyId, (await this.repo.personById(em, r.person_id)).idNumber), r.person_id);
    for (const h of d.hits)
      await this.checks.insertInvestigation(em, {
        id: h.investigationId,
        check_id: c.id,
        side: 'paying',
        other_city: event.fromCity,
        key_id: d.keyId,
        hash: h.hash,
        source: h.source,
        event_date: h.eventDate,
        person_id: byHash.get(h.hash) ?? null,
        created_at: at,
      });
    await this.checks.answerCheck(em, c.id, 'answered', d.hits.length, at);
  }

  async investigation(p: UserPrincipal, id: string): Promise<InvestigationView> {
    return this.dataSource.transaction(async (em) => {
      const i = await this.checks.findInvestigation(em, id);
      if (!i) throw socialInsuranceError('SI_INVESTIGATION_NOT_FOUND', { detail: `no investigation ${id}` });
      const person = i.person_id ? await this.repo.personById(em, i.person_id) : null;
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.investigation.read',
          resource: i.person_id ? `person:${i.person_id}` : `investigation:${id}`,
          outcome: 'success',
          detail: { investigationId: id, revealed: person !== null },
        },
        em,
      );
      return this.investigationView(i, person ? { idNumber: person.idNumber, name: person.name } : null);
    });
  }

  /** The clerk list: investigations of this city, newest first (filter by state, side); this city's person masked; audited. */
  async investigations(
    p: UserPrincipal,
    q: { limit?: number; cursor?: string; state?: 'open' | 'closed'; side?: 'paying' | 'registry' },
  ): Promise<Page<InvestigationSummary>> {
    const { limit, after } = readPage(q);
    return this.dataSource.transaction(async (em) => {
      const rows = await this.checks.investigationPage(em, { state: q.state, side: q.side, after, limit: limit + 1 });
      const { page, nextCursor } = pageRows(rows, limit);
      const items: InvestigationSummary[] = [];
      for (const i of page) {
        const person = i.person_id ? await this.repo.personById(em, i.person_id) : null;
        const { closed, ...view } = this.investigationView(
          i,
          person ? { idNumber: maskIdNumber(person.idNumber), name: person.name ? maskName(person.name) : null } : null,
        );
        items.push({ ...view, outcome: closed?.outcome ?? null, createdAt: new Date(i.created_at).toISOString() });
      }
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.investigation.list',
          resource: 'investigation:*',
          outcome: 'success',
          detail: {
            count: items.length,
            investigations: page.map((i) => i.id),
            persons: page.flatMap((i) => (i.person_id ? [i.person_id] : [])),
          },
        },
        em,
      );
      return { items, nextCursor };
    });
  }

  /**
   * Closes a joint investigation: this city's clerk records the outcome and the reason (If-Match:
   * the version read); the other city learns it by an addressed `investigation-closed` and closes
   * its copy with the same outcome.
   */
  async close(
    p: UserPrincipal,
    id: string,
    cmd: { outcome: InvestigationOutcome; reason: string },
    ifMatch: string | undefined,
  ): Promise<InvestigationView> {
    return this.dataSource.transaction(async (em) => {
      const i = await this.checks.findInvestigation(em, id, true);
      if (!i) throw socialInsuranceError('SI_INVESTIGATION_NOT_FOUND', { detail: `no investigation ${id}` });
      requireVersion(i.version, ifMatch, 'investigation');
      if (/\d{17}[\dXx]/.test(cmd.reason))
        throw socialInsuranceError('SI_INVALID_QUERY', {
          detail: 'the reason is sent to the other city: no ID numbers in it',
          fieldErrors: [{ field: 'reason', rule: 'no-id-number', message: 'no ID numbers' }],
        });
      if (i.state !== 'open')
        throw socialInsuranceError('SI_INVESTIGATION_CLOSED', {
          detail: `closed by ${i.closed_by_city} on ${i.closed_on}: ${i.outcome}`,
          extra: { outcome: i.outcome, closedBy: i.closed_by_city },
        });
      const at = this.clock.now();
      const on = toShanghaiDate(at);
      await this.checks.closeInvestigation(em, id, { outcome: cmd.outcome, reason: cmd.reason, byCity: this.config.cityCode, on, at });
      await this.outbox.add<InvestigationClosed>(em, {
        contract: InvestigationClosedV1,
        domain: SOCIAL_INSURANCE_DOMAIN,
        subject: `investigation/${id}`,
        toCity: i.other_city,
        data: { investigationId: id, outcome: cmd.outcome, reason: cmd.reason, closedOn: on, closedAt: at.toISOString() },
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.investigation.close',
          resource: i.person_id ? `person:${i.person_id}` : `investigation:${id}`,
          outcome: 'success',
          detail: { investigationId: id, outcome: cmd.outcome },
        },
        em,
      );
      const closed = (await this.checks.findInvestigation(em, id))!;
      const person = closed.person_id ? await this.repo.personById(em, closed.person_id) : null;
      return this.investigationView(closed, person ? { idNumber: person.idNumber, name: person.name } : null);
    });
  }

  /** The other city closed the investigation: close this city's copy with its outcome (once; a copy closed here already stays). */
  @HandlesEvent(InvestigationClosedV1, { consumer: 'social-insurance.investigation-closings' })
  private async onClosed(event: ReceivedEvent<InvestigationClosed>, em: EntityManager): Promise<void> {
    const d = event.data;
    const i = await this.checks.findInvestigation(em, d.investigationId, true);
    if (!i || i.other_city !== event.fromCity)
      throw new Error(`closing of investigation ${d.investigationId} from ${event.fromCity}: no such joint investigation here`);
    const closed = await this.checks.closeInvestigation(em, i.id, {
      outcome: d.outcome,
      reason: d.reason,
      byCity: event.fromCity,
      on: d.closedOn,
      at: new Date(d.closedAt),
    });
    await this.audit.record(
      {
        actor: `city:${event.fromCity}`,
        action: 'social-insurance.investigation.closed-by-other-city',
        resource: `investigation:${i.id}`,
        outcome: closed ? 'success' : 'rejected',
        detail: closed ? { outcome: d.outcome } : { outcome: d.outcome, alreadyClosed: { by: i.closed_by_city, outcome: i.outcome } },
      },
      em,
    );
  }

  private investigationView(i: InvestigationRow, person: InvestigationView['person']): InvestigationView {
    return {
      id: i.id,
      checkId: i.check_id,
      side: i.side,
      otherCity: i.other_city,
      source: i.source,
      eventDate: i.event_date,
      state: i.state,
      version: i.version,
      closed:
        i.state === 'closed' && i.outcome && i.closed_by_city && i.closed_on
          ? { outcome: i.outcome, reason: i.reason ?? '', city: i.closed_by_city, on: i.closed_on }
          : null,
      person,
    };
  }

  private async viewOf(em: EntityManager, c: CrossCheckRow): Promise<CrossCheckView> {
    const inv = await this.checks.investigationsOfCheck(em, c.id);
    return {
      id: c.id,
      otherCity: c.other_city,
      keyId: c.key_id,
      hashCount: c.hash_count,
      trigger: c.trigger,
      state: c.state,
      hits: c.hits,
      investigations: inv.map((i) => i.id),
      createdAt: new Date(c.created_at).toISOString(),
    };
  }
}
