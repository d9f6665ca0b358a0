import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type HealthSummary,
  type HealthSummaryRefusal,
  type MedicalHealthSummaryAnswered,
  MedicalHealthSummaryAnsweredV1,
  type MedicalHealthSummaryRequested,
  MedicalHealthSummaryRequestedV1,
} from '@guangfo/contracts';
import { Sealer } from '@guangfo/gm-crypto';
import { Clock, cursorField, cursorShape, decodeCursor, encodeCursor, normalizeResidentId } from '@guangfo/kernel';
import { HandlesEvent, OutboxService, type ReceivedEvent } from '@guangfo/messaging';
import {
  actorOf,
  AuditService,
  CityRegistry,
  NODE_CONFIG,
  type NodeConfig,
  type PartnerPrincipal,
  type Principal,
  type UserPrincipal,
} from '@guangfo/platform';
import { decideConsent } from '../domain/health-consent.js';
import { medicalError } from '../medical.errors.js';
import {
  type AccessRow,
  type ConsentRow,
  HealthRecordRepository,
  type HealthRequestRow,
} from '../infrastructure/health-record.repository.js';
import { type HospitalRow, MedicalRepository } from '../infrastructure/medical.repository.js';
import { PersonSeal } from '../infrastructure/person.seal.js';
import { partnerHospital } from './partner-hospital.js';

export interface ConsentView {
  id: string;
  hospitalCity: string;
  hospitalCode: string;
  purpose: string;
  expiresAt: string;
  grantedAt: string;
  revokedAt: string | null;
  state: 'valid' | 'expired' | 'revoked';
}
/** Access-log page cursor: the last entry's time (UTC, to the microsecond) and id. */
type AccessCursor = {
  t: string;
  i: string;
};
const isAccessCursor = cursorShape<AccessCursor>({ t: cursorField.instant, i: cursorField.uuid });

export interface AccessLogEntry {
  requestId: string;
  at: string;
  hospitalCity: string;
  hospitalCode: string;
  hospitalName: string;
  purpose: string;
  outcome: 'shared' | 'refused';
  refusal: string | null;
  consentId: string | null;
}
export interface HealthRequestView {
  id: string;
  patientCity: string;
  purpose: string;
  state: 'pending' | 'shared' | 'refused';
  refusal: HealthSummaryRefusal | null;
  requestedAt: string;
  answeredAt: string | null;
  consentExpiresAt: string | null;
  /** The summary while the consent it was shared under lasts; null before, when refused, and after that consent's expiry. */
  summary: HealthSummary | null;
}

const sealContext = {
  record: (personId: string) => `medical.health-record:${personId}`,
  received: (requestId: string) => `medical.health-summary:${requestId}`,
};

/**
 * 电子健康档案 summaries shared with the patient's consent. At the patient's city (the resident's own node): the summary
 * (put by a clerk or the health-record system, sealed at rest), consents for a named hospital of the other city and a
 * purpose with an expiry, revocation, and the patient-visible access log. At the hospital's city: the hospital's request
 * travels as an addressed event (patient sealed); the patient's city answers with the summary (sealed) only under a valid
 * consent, else a refusal code; the hospital's city keeps the summary sealed at rest. Every step is audited.
 */
@Injectable()
export class HealthRecordService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: CityRegistry,
    private readonly dataSource: DataSource,
    private readonly repo: HealthRecordRepository,
    private readonly medical: MedicalRepository,
    private readonly seal: PersonSeal,
    private readonly sealer: Sealer,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  // ---- the patient's city

  /** A clerk or the health-record system (scope medical:records) puts a person's summary (sealed at rest). */
  async putSummary(p: Principal, cmd: { idNumber: string; name: string; summary: HealthSummary }): Promise<{ personId: string }> {
    const idNumber = normalizeResidentId(cmd.idNumber);
    if (!idNumber) throw medicalError('MEDICAL_PERSON_INVALID', { detail: 'idNumber must be a valid GB 11643 ID number' });
    return this.dataSource.transaction(async (em) => {
      const person = await this.personOf(em, idNumber, cmd.name);
      await this.repo.putRecord(em, {
        personId: person,
        sealed: this.sealer.seal(JSON.stringify(cmd.summary), sealContext.record(person)),
        updatedOn: cmd.summary.updatedOn,
        by: actorOf(p),
        at: this.clock.now(),
      });
      await this.audit.record(
        { actor: actorOf(p), action: 'medical.health-record.put', resource: `medical-person:${person}`, outcome: 'success' },
        em,
      );
      return { personId: person };
    });
  }

  /** The resident consents: hospital X of the other city may receive their summary for `purpose` until `expiresAt`. */
  async grant(
    p: UserPrincipal,
    cmd: { hospitalCity: string; hospitalCode: string; purpose: string; expiresAt: string },
  ): Promise<ConsentView> {
    const identity = this.identityOf(p);
    if (!this.registry.get(cmd.hospitalCity) || cmd.hospitalCity === this.config.cityCode)
      throw medicalError('MEDICAL_CONSENT_INVALID', { detail: `hospitalCity ${cmd.hospitalCity} must be another city of the registry` });
    const now = this.clock.now();
    const expiresAt = new Date(cmd.expiresAt);
    if (!(expiresAt.getTime() > now.getTime()))
      throw medicalError('MEDICAL_CONSENT_INVALID', { detail: 'expiresAt must be in the future' });
    return this.dataSource.transaction(async (em) => {
      const personId = await this.personOf(em, identity.idNumber, identity.name);
      const row: Omit<ConsentRow, 'revoked_at'> = {
        id: randomUUID(),
        person_id: personId,
        hospital_city: cmd.hospitalCity,
        hospital_code: cmd.hospitalCode,
        purpose: cmd.purpose,
        expires_at: expiresAt,
        granted_at: now,
      };
      await this.repo.insertConsent(em, row);
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.health-consent.grant',
          resource: `medical-health-consent:${row.id}`,
          outcome: 'success',
          detail: {
            hospitalCity: cmd.hospitalCity,
            hospitalCode: cmd.hospitalCode,
            purpose: cmd.purpose,
            expiresAt: expiresAt.toISOString(),
          },
        },
        em,
      );
      return this.consentView({ ...row, revoked_at: null });
    });
  }

  async consents(p: UserPrincipal): Promise<ConsentView[]> {
    const ids = await this.ownPersons(this.dataSource, p);
    return ids.length ? (await this.repo.consentsOf(this.dataSource, ids)).map((c) => this.consentView(c)) : [];
  }

  /** Revoking stops further requests (a summary already shared stays with the hospital until that consent's expiry). */
  async revoke(p: UserPrincipal, id: string): Promise<ConsentView> {
    return this.dataSource.transaction(async (em) => {
      const c = await this.repo.consent(em, id, true);
      if (!c || !(await this.ownPersons(em, p)).includes(c.person_id))
        throw medicalError('MEDICAL_CONSENT_NOT_FOUND', { detail: `no consent ${id} of yours` });
      const at = this.clock.now();
      if (!c.revoked_at) await this.repo.revokeConsent(em, id, at);
      await this.audit.record(
        { actor: actorOf(p), action: 'medical.health-consent.revoke', resource: `medical-health-consent:${id}`, outcome: 'success' },
        em,
      );
      return this.consentView({ ...c, revoked_at: c.revoked_at ?? at });
    });
  }

  /**
   * The patient's access log: every request for their summary, shared or refused, newest first, cursor-paged (`limit` 1–100,
   * default 20; `cursor` = the previous page's nextCursor, else 400 MEDICAL_INVALID_CURSOR). Each read is audited.
   */
  async accessLog(
    p: UserPrincipal,
    q: { cursor?: string; limit?: number } = {},
  ): Promise<{ items: AccessLogEntry[]; nextCursor: string | null }> {
    const limit = q.limit ?? 20;
    let after: AccessCursor | undefined;
    if (q.cursor) {
      after = decodeCursor(q.cursor, isAccessCursor);
      if (!after) throw medicalError('MEDICAL_INVALID_CURSOR', { detail: 'cursor is not one this API returned' });
    }
    return this.dataSource.transaction(async (em) => {
      const ids = await this.ownPersons(em, p);
      const rows = ids.length ? await this.repo.accessLog(em, ids, { after, limit: limit + 1 }) : [];
      const page = rows.slice(0, limit);
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.health-access.read',
          resource: 'medical-health-access:own',
          outcome: 'success',
          detail: { count: page.length },
        },
        em,
      );
      const last = page[page.length - 1];
      return {
        items: page.map((r) => this.accessView(r)),
        nextCursor: rows.length > limit && last ? encodeCursor({ t: last.at_key, i: last.id } satisfies AccessCursor) : null,
      };
    });
  }

  /** A hospital of the other city asks: answer with the summary under a valid consent, or a refusal; log it for the patient. */
  @HandlesEvent(MedicalHealthSummaryRequestedV1, { consumer: 'medical.health-summary' })
  async onRequested(event: ReceivedEvent<MedicalHealthSummaryRequested>, em: EntityManager): Promise<void> {
    const d = event.data;
    if (d.hospitalCity !== event.fromCity) throw new Error(`health summary request ${d.requestId}: hospitalCity is not the sender`);
    if (await this.repo.accessByRequest(em, d.requestId)) return; // redelivered: answered once
    const now = this.clock.now();
    const idNumber = normalizeResidentId(d.patient.idNumber);
    const person = idNumber ? await this.medical.personByKey(em, this.config.cityCode, this.seal.personKey(idNumber)) : undefined;
    const consents = person ? await this.repo.consentsFor(em, person.id, event.fromCity, d.hospitalCode, d.purpose) : [];
    const decision = decideConsent(
      consents.map((c) => ({ id: c.id, expiresAt: new Date(c.expires_at), revokedAt: c.revoked_at ? new Date(c.revoked_at) : null })),
      now,
    );
    let summary: HealthSummary | null = null;
    let refusal: HealthSummaryRefusal | null = decision.ok ? null : decision.refusal;
    if (decision.ok && person) {
      const record = await this.repo.record(em, person.id);
      if (record) summary = JSON.parse(this.sealer.open(record.summary_sealed, sealContext.record(person.id))) as HealthSummary;
      else refusal = 'MEDICAL_HEALTH_RECORD_MISSING';
    }
    const outcome = summary ? 'shared' : 'refused';
    await this.repo.logAccess(em, {
      id: randomUUID(),
      request_id: d.requestId,
      person_id: person?.id ?? null,
      hospital_city: event.fromCity,
      hospital_code: d.hospitalCode,
      hospital_name: d.hospitalName,
      purpose: d.purpose,
      outcome,
      refusal,
      consent_id: decision.ok ? decision.consentId : null,
      at: now,
    });
    await this.outbox.add(em, {
      contract: MedicalHealthSummaryAnsweredV1,
      domain: 'medical',
      subject: d.requestId,
      toCity: event.fromCity,
      data: {
        requestId: d.requestId,
        outcome,
        refusal,
        consentId: decision.ok ? decision.consentId : null,
        consentExpiresAt: decision.ok ? decision.expiresAt.toISOString() : null,
        answeredAt: now.toISOString(),
        summary,
      },
    });
    await this.audit.record(
      {
        actor: `hospital:${d.hospitalCode}@${event.fromCity}`,
        action: 'medical.health-summary.share',
        resource: person ? `medical-person:${person.id}` : 'medical-person:unknown',
        outcome: summary ? 'success' : 'denied',
        detail: { requestId: d.requestId, purpose: d.purpose, refusal },
      },
      em,
    );
  }

  // ---- the hospital's city

  /** The hospital asks the patient's city for the summary (answered asynchronously: GET the request). */
  async request(p: PartnerPrincipal, cmd: { patientCity: string; idNumber: string; purpose: string }): Promise<HealthRequestView> {
    const h = await this.hospital(p);
    if (!this.registry.get(cmd.patientCity) || cmd.patientCity === this.config.cityCode)
      throw medicalError('MEDICAL_CITY_UNKNOWN', { detail: `patientCity ${cmd.patientCity} must be another city of the registry` });
    const idNumber = normalizeResidentId(cmd.idNumber);
    if (!idNumber) throw medicalError('MEDICAL_PERSON_INVALID', { detail: 'idNumber must be a valid GB 11643 ID number' });
    return this.dataSource.transaction(async (em) => {
      const row = {
        id: randomUUID(),
        hospital_code: h.hospital_code,
        patient_city: cmd.patientCity,
        purpose: cmd.purpose,
        requested_at: this.clock.now(),
      };
      await this.repo.insertRequest(em, row);
      await this.outbox.add(em, {
        contract: MedicalHealthSummaryRequestedV1,
        domain: 'medical',
        subject: row.id,
        toCity: cmd.patientCity,
        data: {
          requestId: row.id,
          hospitalCity: this.config.cityCode,
          hospitalCode: h.hospital_code,
          hospitalName: h.name,
          purpose: cmd.purpose,
          requestedAt: row.requested_at.toISOString(),
          patient: { idNumber },
        },
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.health-summary.request',
          resource: `medical-health-request:${row.id}`,
          outcome: 'success',
          detail: { patientCity: cmd.patientCity, purpose: cmd.purpose },
        },
        em,
      );
      return this.requestView({
        ...row,
        state: 'pending',
        refusal: null,
        summary_sealed: null,
        consent_expires_at: null,
        answered_at: null,
      });
    });
  }

  @HandlesEvent(MedicalHealthSummaryAnsweredV1, { consumer: 'medical.health-summary' })
  async onAnswered(event: ReceivedEvent<MedicalHealthSummaryAnswered>, em: EntityManager): Promise<void> {
    const d = event.data;
    const r = await this.repo.request(em, d.requestId, true);
    if (!r || r.patient_city !== event.fromCity) throw new Error(`health summary answer for unknown request ${d.requestId}`);
    if (r.state !== 'pending') return; // redelivered
    await this.repo.answerRequest(em, r.id, {
      state: d.outcome,
      refusal: d.refusal,
      sealed: d.summary ? this.sealer.seal(JSON.stringify(d.summary), sealContext.received(r.id)) : null,
      consentExpiresAt: d.consentExpiresAt ? new Date(d.consentExpiresAt) : null,
      at: new Date(d.answeredAt),
    });
  }

  /** The hospital reads its request: the summary (opened from its sealed copy) while the consent lasts; the read is audited. */
  async getRequest(p: PartnerPrincipal, id: string): Promise<HealthRequestView> {
    const h = await this.hospital(p);
    return this.dataSource.transaction(async (em) => {
      const r = await this.repo.request(em, id);
      if (!r || r.hospital_code !== h.hospital_code)
        throw medicalError('MEDICAL_HEALTH_REQUEST_NOT_FOUND', { detail: `no health-summary request ${id} of this hospital` });
      const view = this.requestView(r);
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.health-summary.read',
          resource: `medical-health-request:${id}`,
          outcome: 'success',
          detail: { state: r.state, summaryShown: view.summary !== null },
        },
        em,
      );
      return view;
    });
  }

  // ---- helpers

  private identityOf(p: UserPrincipal): { idNumber: string; name: string } {
    if (!p.identity) throw medicalError('MEDICAL_PERSON_INVALID', { detail: 'a real-name-verified identity is required' });
    return p.identity;
  }

  private async ownPersons(db: EntityManager | DataSource, p: UserPrincipal): Promise<string[]> {
    if (!p.identity) return [];
    const person = await this.medical.personByKey(db, this.config.cityCode, this.seal.personKey(p.identity.idNumber));
    return person ? [person.id] : [];
  }

  /** The person of this city with that ID number, created (sealed) when new. */
  private async personOf(em: EntityManager, idNumber: string, name: string): Promise<string> {
    const id = randomUUID();
    const row = await this.medical.insertPerson(em, {
      id,
      insured_city: this.config.cityCode,
      person_key: this.seal.personKey(idNumber),
      id_number_sealed: this.seal.seal(id, 'id-number', idNumber),
      name_sealed: this.seal.seal(id, 'name', name),
      account_balance_fen: null,
    });
    return row.id;
  }

  private async hospital(p: PartnerPrincipal): Promise<HospitalRow> {
    return partnerHospital(this.medical, this.dataSource, p, this.config.cityCode);
  }

  private consentView(c: ConsentRow): ConsentView {
    const expiresAt = new Date(c.expires_at);
    return {
      id: c.id,
      hospitalCity: c.hospital_city,
      hospitalCode: c.hospital_code,
      purpose: c.purpose,
      expiresAt: expiresAt.toISOString(),
      grantedAt: new Date(c.granted_at).toISOString(),
      revokedAt: c.revoked_at ? new Date(c.revoked_at).toISOString() : null,
      state: c.revoked_at ? 'revoked' : expiresAt.getTime() <= this.clock.now().getTime() ? 'expired' : 'valid',
    };
  }

  private accessView(r: AccessRow): AccessLogEntry {
    return {
      requestId: r.request_id,
      at: new Date(r.at).toISOString(),
      hospitalCity: r.hospital_city,
      hospitalCode: r.hospital_code,
      hospitalName: r.hospital_name,
      purpose: r.purpose,
      outcome: r.outcome,
      refusal: r.refusal,
      consentId: r.consent_id,
    };
  }

  private requestView(r: HealthRequestRow): HealthRequestView {
    const lasts = r.consent_expires_at !== null && new Date(r.consent_expires_at).getTime() > this.clock.now().getTime();
    return {
      id: r.id,
      patientCity: r.patient_city,
      purpose: r.purpose,
      state: r.state,
      refusal: r.refusal as HealthSummaryRefusal | null,
      requestedAt: new Date(r.requested_at).toISOString(),
      answeredAt: r.answered_at ? new Date(r.answered_at).toISOString() : null,
      consentExpiresAt: r.consent_expires_at ? new Date(r.consent_expires_at).toISOString() : null,
      summary:
        r.summary_sealed && lasts ? (JSON.parse(this.sealer.open(r.summary_sealed, sealContext.received(r.id))) as HealthSummary) : null,
    };
  }
}
