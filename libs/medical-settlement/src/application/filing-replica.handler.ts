import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  type MedicalAllowanceGranted,
  MedicalAllowanceGrantedV1,
  type MedicalFilingCancelled,
  MedicalFilingCancelledV1,
  type MedicalFilingRecorded,
  MedicalFilingRecordedV1,
} from '@guangfo/contracts';
import { HandlesEvent, type ReceivedEvent } from '@guangfo/messaging';
import { AuditService, NODE_CONFIG, type NodeConfig } from '@guangfo/platform';
import { MedicalRepository } from '../infrastructure/medical.repository.js';
import { PersonSeal } from '../infrastructure/person.seal.js';

/** The treating city's copy of the 备案 addressed to it, and the allowances the insured city grants it. */
@Injectable()
export class FilingReplicaHandler {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly repo: MedicalRepository,
    private readonly seal: PersonSeal,
    private readonly audit: AuditService,
  ) {}

  @HandlesEvent(MedicalFilingRecordedV1, { consumer: 'medical.filing-replica' })
  async onRecorded(event: ReceivedEvent<MedicalFilingRecorded>, em: EntityManager): Promise<void> {
    const d = event.data;
    // The insured city speaks for its own insured only, and addresses the 备案 to the city it names.
    if (d.insuredCity !== event.fromCity || d.treatingCity !== this.config.cityCode)
      throw new Error(
        `备案 ${d.filingId}: insured ${d.insuredCity} / treating ${d.treatingCity} signed by ${event.fromCity} for ${this.config.cityCode}`,
      );
    const existing = await this.repo.person(em, d.personId);
    if (!existing)
      await this.repo.insertPerson(em, {
        id: d.personId,
        insured_city: d.insuredCity,
        person_key: this.seal.personKey(d.person.idNumber),
        id_number_sealed: this.seal.seal(d.personId, 'id-number', d.person.idNumber),
        name_sealed: this.seal.seal(d.personId, 'name', d.person.name),
        account_balance_fen: null,
      });
    await this.repo.insertFiling(em, {
      id: d.filingId,
      person_id: d.personId,
      insured_city: d.insuredCity,
      treating_city: d.treatingCity,
      kind: d.kind,
      valid_from: d.validFrom,
      valid_to: d.validTo,
      late: d.late,
      recorded_at: new Date(d.recordedAt),
      recorded_by: `city:${event.fromCity}`,
      origin: 'replica',
    });
    await this.audit.record(
      {
        actor: `city:${event.fromCity}`,
        action: 'medical.filing.replicate',
        resource: `medical-filing:${d.filingId}`,
        outcome: 'success',
        detail: { kind: d.kind },
      },
      em,
    );
  }

  @HandlesEvent(MedicalFilingCancelledV1, { consumer: 'medical.filing-replica' })
  async onCancelled(event: ReceivedEvent<MedicalFilingCancelled>, em: EntityManager): Promise<void> {
    const f = await this.repo.filing(em, event.data.filingId, true);
    if (!f || f.insured_city !== event.fromCity) throw new Error(`cancellation of unknown 备案 ${event.data.filingId}`);
    await this.repo.cancelFiling(em, f.id, event.data.cancelledOn);
  }

  @HandlesEvent(MedicalAllowanceGrantedV1, { consumer: 'medical.allowance' })
  async onGranted(event: ReceivedEvent<MedicalAllowanceGranted>, em: EntityManager): Promise<void> {
    const d = event.data;
    // Only the person's insured city grants from their cap (a person not known yet: the grant arrived before the 备案; the row
    // keeps the granting city, and settlements use only rows of the visit's insured city).
    const person = await this.repo.person(em, d.personId);
    if (person && person.insured_city !== event.fromCity)
      throw new Error(`grant for person ${d.personId} from ${event.fromCity}, insured at ${person.insured_city}`);
    await this.repo.applyGrant(em, {
      personId: d.personId,
      year: d.year,
      pot: d.pot,
      insuredCity: event.fromCity,
      grantedTotalFen: d.grantedTotalFen,
    });
  }
}
