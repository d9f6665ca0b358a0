import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type RecordPurpose, type RecordRequested, RecordRequestedV1, type RecordReturned, RecordReturnedV1 } from '@guangfo/contracts';
import { Clock } from '@guangfo/kernel';
import { HandlesEvent, OutboxService, type ReceivedEvent } from '@guangfo/messaging';
import { AuditService, NODE_CONFIG, type NodeConfig } from '@guangfo/platform';
import { SocialInsuranceRepository } from '../infrastructure/social-insurance.repository.js';
import { SOCIAL_INSURANCE_DOMAIN } from './social-insurance.constants.js';

/**
 * One person's record across cities, by addressed request/response events: the asking city names
 * the person and the purpose (with the resident's consent or the case it holds); each asked city
 * answers with the months it holds, to the asking city only. Nothing is sent unasked.
 */
@Injectable()
export class RecordExchange {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly repo: SocialInsuranceRepository,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Records the request and asks each city; returns the request id. */
  async request(
    em: EntityManager,
    r: {
      personId: string;
      idNumber: string;
      purpose: RecordPurpose;
      caseId?: string;
      requestedBy: string;
      role: 'resident' | 'clerk';
      ownerSub: string | null;
      consentScope: string;
      cities: string[];
    },
  ): Promise<string> {
    const id = randomUUID();
    const at = this.clock.now();
    const consent = { given: true as const, at: at.toISOString(), scope: r.consentScope };
    await this.repo.insertRequest(em, {
      id,
      person_id: r.personId,
      purpose: r.purpose,
      case_id: r.caseId ?? null,
      requested_by: r.requestedBy,
      owner_sub: r.ownerSub,
      consent,
      asked_cities: r.cities,
      created_at: at,
    });
    for (const city of r.cities)
      await this.outbox.add<RecordRequested>(em, {
        contract: RecordRequestedV1,
        domain: SOCIAL_INSURANCE_DOMAIN,
        subject: `record-request/${id}`,
        toCity: city,
        data: {
          requestId: id,
          purpose: r.purpose,
          ...(r.caseId ? { caseId: r.caseId } : {}),
          requestedBy: { role: r.role, city: this.config.cityCode },
          consent,
          person: { idNumber: r.idNumber },
        },
      });
    return id;
  }

  /** Answers a request for a named person with the months held here (possibly none); the read is audited. */
  @HandlesEvent(RecordRequestedV1, { consumer: 'social-insurance.record-requests' })
  private async answer(event: ReceivedEvent<RecordRequested>, em: EntityManager): Promise<void> {
    const d = event.data;
    const person = await this.repo.findPerson(em, d.person.idNumber);
    const months = person ? await this.repo.monthsOf(em, person.id, this.config.cityCode) : [];
    await this.audit.record(
      {
        actor: `city:${event.fromCity}`,
        action: 'social-insurance.record.disclose',
        resource: person ? `person:${person.id}` : 'person:unknown',
        outcome: 'success',
        detail: {
          requestId: d.requestId,
          purpose: d.purpose,
          caseId: d.caseId ?? null,
          requestedBy: d.requestedBy,
          consentScope: d.consent.scope,
          months: months.length,
        },
      },
      em,
    );
    await this.outbox.add<RecordReturned>(em, {
      contract: RecordReturnedV1,
      domain: SOCIAL_INSURANCE_DOMAIN,
      subject: `record-request/${d.requestId}`,
      toCity: event.fromCity,
      data: { requestId: d.requestId, city: this.config.cityCode, months },
    });
  }
}
