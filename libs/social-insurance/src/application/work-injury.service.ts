import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CredentialVerifier, type VerificationResult } from '@guangfo/credentials';
import { Clock, isCivilDate, maskIdNumber, maskName, normalizeSocialCreditCode, toShanghaiDate } from '@guangfo/kernel';
import {
  actorOf,
  AuditService,
  NODE_CONFIG,
  type NodeConfig,
  queryRow,
  queryRows,
  type UserPrincipal,
  requireVersion,
} from '@guangfo/platform';
import { monthOfDate } from '../domain/months.js';
import { applicationDeadline, decisionDueOn, type WorkInjuryApplicant } from '../domain/work-injury.js';
import { SocialInsuranceRepository } from '../infrastructure/social-insurance.repository.js';
import { socialInsuranceError } from '../social-insurance.errors.js';
import { Created, idempotencyOf } from './created.js';
import { checkedIdNumber } from './identity.js';
import { type Page, pageRows, readPage } from './paging.js';

export interface WorkInjuryCaseView {
  id: string;
  person: { idNumber: string; name: string | null };
  employerUscc: string;
  injuryDate: string;
  applicant: WorkInjuryApplicant;
  acceptedOn: string;
  clearFacts: boolean;
  /** 60 calendar days after acceptance, 15 for clear cases (工伤保险条例 art. 20). */
  dueOn: string;
  state: 'accepted' | 'decided';
  outcome: 'recognised' | 'not-recognised' | null;
  credential: { id: string; number: string } | null;
  decidedOn: string | null;
  version: number;
}

export interface AcceptedCredentialView {
  id: string;
  purpose: 'work-injury' | 'social-security-card';
  valid: boolean;
  reasons: string[];
  warnings: string[];
  credential: {
    id: string;
    number: string;
    type: string;
    issuerCity: string;
    issuer: string;
    holder: { name: string; code: string };
  } | null;
}

interface CaseRow {
  id: string;
  person_id: string;
  employer_uscc: string;
  injury_date: string;
  applicant: WorkInjuryApplicant;
  accepted_on: string;
  clear_facts: boolean;
  due_on: string;
  state: 'accepted' | 'decided';
  outcome: 'recognised' | 'not-recognised' | null;
  credential_id: string | null;
  credential_number: string | null;
  decided_on: string | null;
  version: number;
}

const CASE_COLUMNS = `id, person_id, employer_uscc, to_char(injury_date, 'YYYY-MM-DD') AS injury_date, applicant, to_char(accepted_on, 'YYYY-MM-DD') AS accepted_on,
  clear_facts, to_char(due_on, 'YYYY-MM-DD') AS due_on, state, outcome, credential_id, credential_number, to_char(decided_on, 'YYYY-MM-DD') AS decided_on, version`;

const FILE_IDEMPOTENCY = idempotencyOf('work-injury-case');
const WORK_INJURY_TYPE = 'WORK_INJURY_DETERMINATION';
const CARD_TYPE = 'SOCIAL_SECURITY_CARD';

/**
 * 工伤认定 across cities (工伤保险条例): the case is handled in the employer's city — the city where
 * the employer insured the worker against work injury for the month of the accident. The
 * recognition is issued as an electronic credential (工伤认定结论书, WORK_INJURY_DETERMINATION) by the
 * city's human-resources bureau (the credentials API); the decision records it after verifying it.
 * The other city's clerk accepts it by verifying it from that city's own replicated registry
 * (signature, issuer key and authority, status, validity) — no call to the issuing city. The
 * 社会保障卡 (SOCIAL_SECURITY_CARD credential) is verified the same way.
 */
@Injectable()
export class WorkInjuryService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly dataSource: DataSource,
    private readonly repo: SocialInsuranceRepository,
    private readonly verifier: CredentialVerifier,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async file(
    p: UserPrincipal,
    cmd: { idNumber: string; name: string; employerUscc: string; injuryDate: string; applicant: WorkInjuryApplicant; clearFacts: boolean },
    idempotencyHeader?: string,
  ): Promise<Created<WorkInjuryCaseView>> {
    const key = FILE_IDEMPOTENCY.key(idempotencyHeader);
    const idNumber = checkedIdNumber(cmd.idNumber);
    const uscc = normalizeSocialCreditCode(cmd.employerUscc);
    if (!uscc)
      throw socialInsuranceError('SI_INVALID_QUERY', {
        fieldErrors: [{ field: 'employerUscc', rule: 'invalid', message: 'not a valid unified social credit code' }],
      });
    const today = toShanghaiDate(this.clock.now());
    if (!isCivilDate(cmd.injuryDate) || cmd.injuryDate > today)
      throw socialInsuranceError('SI_INVALID_QUERY', {
        fieldErrors: [{ field: 'injuryDate', rule: 'invalid', message: 'a past civil date YYYY-MM-DD' }],
      });
    const lastDay = applicationDeadline(cmd.injuryDate, cmd.applicant);
    if (today > lastDay)
      throw socialInsuranceError('SI_WORK_INJURY_APPLICATION_LATE', {
        detail: `the ${cmd.applicant} could apply until ${lastDay} (工伤保险条例 art. 17)`,
        extra: { lastDay },
      });
    return this.dataSource.transaction(async (em) => {
      if (key) {
        const k = await FILE_IDEMPOTENCY.claim(em, { caller: actorOf(p), key, body: cmd, resourceId: randomUUID() });
        if (k.replay) return new Created(await this.viewOf(em, k.resourceId), true);
      }
      const person = await this.repo.ensurePerson(em, idNumber, cmd.name);
      const insured = await queryRow<{ n: string }>(
        em,
        `SELECT count(*) AS n FROM social_insurance.contribution WHERE person_id = $1 AND scheme = 'work-injury' AND employer_uscc = $2 AND month = $3`,
        [person.id, uscc, monthOfDate(cmd.injuryDate)],
      );
      if (Number(insured?.n ?? 0) === 0)
        throw socialInsuranceError('SI_WORK_INJURY_NOT_INSURED_HERE', {
          detail: `the employer insured no work injury here for ${monthOfDate(cmd.injuryDate)}: the case is handled in the employer's city of insurance`,
        });
      const id = randomUUID();
      await em.query(
        `INSERT INTO social_insurance.work_injury_case (id, person_id, employer_uscc, injury_date, applicant, accepted_on, clear_facts, due_on, state, filed_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'accepted', $9, $10)`,
        [
          id,
          person.id,
          uscc,
          cmd.injuryDate,
          cmd.applicant,
          today,
          cmd.clearFacts,
          decisionDueOn(today, cmd.clearFacts),
          actorOf(p),
          this.clock.now(),
        ],
      );
      await this.audit.record(
        { actor: actorOf(p), action: 'social-insurance.work-injury.file', resource: `work-injury-case:${id}`, outcome: 'success' },
        em,
      );
      return new Created(await this.viewOf(em, id), false);
    });
  }

  async get(p: UserPrincipal, id: string): Promise<WorkInjuryCaseView> {
    return this.dataSource.transaction(async (em) => {
      const view = await this.viewOf(em, id);
      await this.audit.record(
        { actor: actorOf(p), action: 'social-insurance.work-injury.read', resource: `work-injury-case:${id}`, outcome: 'success' },
        em,
      );
      return view;
    });
  }

  /** 认定决定: recognised with the WORK_INJURY_DETERMINATION credential this city issued to the worker (verified here), or not. */
  async decide(
    p: UserPrincipal,
    id: string,
    cmd: { outcome: 'recognised' | 'not-recognised'; credential?: unknown },
    ifMatch: string | undefined,
  ): Promise<WorkInjuryCaseView> {
    return this.dataSource.transaction(async (em) => {
      const c = await queryRow<CaseRow>(em, `SELECT ${CASE_COLUMNS} FROM social_insurance.work_injury_case WHERE id = $1 FOR UPDATE`, [id]);
      if (!c) throw socialInsuranceError('SI_WORK_INJURY_CASE_NOT_FOUND', { detail: `no work-injury case ${id}` });
      requireVersion(c.version, ifMatch, 'work-injury case');
      if (c.state !== 'accepted')
        throw socialInsuranceError('SI_WORK_INJURY_ALREADY_DECIDED', { detail: `decided ${c.outcome} on ${c.decided_on}` });
      let credential: { id: string; number: string } | null = null;
      if (cmd.outcome === 'recognised') {
        if (cmd.credential === undefined)
          throw socialInsuranceError('SI_CREDENTIAL_REJECTED', {
            detail: 'a recognition is issued as a WORK_INJURY_DETERMINATION credential: give its document',
          });
        const person = await this.repo.personById(em, c.person_id);
        const r = await this.verifier.verifyPresented(cmd.credential, { expectedType: WORK_INJURY_TYPE, holderCode: person.idNumber });
        if (!r.valid || r.credential?.issuer.city !== this.config.cityCode)
          throw this.rejected(r, 'a valid WORK_INJURY_DETERMINATION of this city for the worker');
        credential = { id: r.credential.id, number: r.credential.number };
      }
      await em.query(
        `UPDATE social_insurance.work_injury_case SET state = 'decided', outcome = $2, credential_id = $3, credential_number = $4, decided_on = $5, version = version + 1 WHERE id = $1`,
        [id, cmd.outcome, credential?.id ?? null, credential?.number ?? null, toShanghaiDate(this.clock.now())],
      );
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.work-injury.decide',
          resource: `work-injury-case:${id}`,
          outcome: 'success',
          detail: { outcome: cmd.outcome, credentialId: credential?.id ?? null },
        },
        em,
      );
      return this.viewOf(em, id);
    });
  }

  /** The other city's clerk accepts a work-injury determination (工伤认定结论互认) or verifies a social security card. */
  async accept(p: UserPrincipal, purpose: 'work-injury' | 'social-security-card', document: unknown): Promise<AcceptedCredentialView> {
    const r = await this.verifier.verifyPresented(document, { expectedType: purpose === 'work-injury' ? WORK_INJURY_TYPE : CARD_TYPE });
    const id = randomUUID();
    await this.dataSource.transaction(async (em) => {
      const holder = r.credential?.holder.code;
      const person = holder && r.valid ? await this.repo.findPerson(em, holder) : undefined;
      await em.query(
        `INSERT INTO social_insurance.credential_acceptance (id, purpose, credential_id, credential_type, issuer_city, person_id, valid, reasons, accepted_by, accepted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          id,
          purpose,
          r.credential?.id ?? null,
          r.credential?.type.code ?? null,
          r.credential?.issuer.city ?? null,
          person?.id ?? null,
          r.valid,
          r.reasons,
          actorOf(p),
          this.clock.now(),
        ],
      );
      await this.audit.record(
        {
          actor: actorOf(p),
          action: `social-insurance.credential.${purpose}`,
          resource: r.credential ? `credential:${r.credential.issuer.city}/${r.credential.id}` : 'credential:unidentified',
          outcome: r.valid ? 'success' : 'rejected',
          detail: { reasons: r.reasons },
        },
        em,
      );
    });
    if (!r.valid && purpose === 'work-injury') throw this.rejected(r, 'a valid WORK_INJURY_DETERMINATION');
    return {
      id,
      purpose,
      valid: r.valid,
      reasons: r.reasons,
      warnings: r.warnings,
      credential: r.credential
        ? {
            id: r.credential.id,
            number: r.credential.number,
            type: r.credential.type.code,
            issuerCity: r.credential.issuer.city,
            issuer: r.credential.issuer.name,
            holder: { name: maskName(r.credential.holder.name), code: maskIdNumber(r.credential.holder.code) },
          }
        : null,
    };
  }

  private rejected(r: VerificationResult, what: string) {
    return socialInsuranceError('SI_CREDENTIAL_REJECTED', {
      detail: `not ${what}: ${r.reasons.join(', ') || 'issued by another city'}`,
      fieldErrors: (r.reasons.length ? r.reasons : ['ISSUER_CITY']).map((reason) => ({
        field: 'credential',
        rule: reason,
        message: reason,
      })),
    });
  }

  private async viewOf(em: EntityManager, id: string): Promise<WorkInjuryCaseView> {
    const c = await queryRow<CaseRow>(em, `SELECT ${CASE_COLUMNS} FROM social_insurance.work_injury_case WHERE id = $1`, [id]);
    if (!c) throw socialInsuranceError('SI_WORK_INJURY_CASE_NOT_FOUND', { detail: `no work-injury case ${id}` });
    return this.viewOfRow(em, c);
  }

  /** The clerk list: this city's work-injury cases, newest first (filter by state); the worker masked; audited. */
  async list(p: UserPrincipal, q: { limit?: number; cursor?: string; state?: 'accepted' | 'decided' }): Promise<Page<WorkInjuryCaseView>> {
    const { limit, after } = readPage(q);
    return this.dataSource.transaction(async (em) => {
      const rows = await queryRows<CaseRow & { created_at: Date }>(
        em,
        `SELECT ${CASE_COLUMNS}, created_at FROM social_insurance.work_injury_case
          WHERE ($1::text IS NULL OR state = $1) AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
          ORDER BY created_at DESC, id DESC LIMIT $4`,
        [q.state ?? null, after?.c ?? null, after?.i ?? null, limit + 1],
      );
      const { page, nextCursor } = pageRows(rows, limit);
      const items: WorkInjuryCaseView[] = [];
      for (const c of page) items.push(await this.viewOfRow(em, c));
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.work-injury.list',
          resource: 'work-injury-case:*',
          outcome: 'success',
          detail: { count: items.length, cases: page.map((c) => c.id), persons: page.map((c) => c.person_id) },
        },
        em,
      );
      return { items, nextCursor };
    });
  }

  private async viewOfRow(em: EntityManager, c: CaseRow): Promise<WorkInjuryCaseView> {
    const person = await this.repo.personById(em, c.person_id);
    return {
      id: c.id,
      person: { idNumber: maskIdNumber(person.idNumber), name: person.name ? maskName(person.name) : null },
      employerUscc: c.employer_uscc,
      injuryDate: c.injury_date,
      applicant: c.applicant,
      acceptedOn: c.accepted_on,
      clearFacts: c.clear_facts,
      dueOn: c.due_on,
      state: c.state,
      outcome: c.outcome,
      credential: c.credential_id ? { id: c.credential_id, number: c.credential_number! } : null,
      decidedOn: c.decided_on,
      version: c.version,
    };
  }
}
