import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { actorOf, AuditService, CityRegistry, NODE_CONFIG, type NodeConfig, type UserPrincipal } from '@guangfo/platform';
import { SocialInsuranceRepository } from '../infrastructure/social-insurance.repository.js';
import { socialInsuranceError } from '../social-insurance.errors.js';
import { residentIdentity } from './identity.js';
import { RecordExchange } from './record-exchange.service.js';
import { combinedRecord, type CombinedRecordView } from './record-view.js';
import type { RecordRequestCommand } from './social-insurance.commands.js';

export interface RecordRequestView extends CombinedRecordView {
  id: string;
  purpose: string;
  consent: { given: true; at: string; scope: string };
  createdAt: string;
}

/** A resident's own combined record: asked for with consent, assembled from every city of the registry. */
@Injectable()
export class RecordService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: CityRegistry,
    private readonly dataSource: DataSource,
    private readonly repo: SocialInsuranceRepository,
    private readonly exchange: RecordExchange,
    private readonly audit: AuditService,
  ) {}

  async request(p: UserPrincipal, cmd: RecordRequestCommand): Promise<RecordRequestView> {
    const me = residentIdentity(p);
    if (cmd.consent !== true)
      throw socialInsuranceError('SI_CONSENT_REQUIRED', {
        detail: 'assembling your record from other cities needs your consent',
        fieldErrors: [{ field: 'consent', rule: 'invalid', message: 'must be true' }],
      });
    return this.dataSource.transaction(async (em) => {
      const person = await this.repo.ensurePerson(em, me.idNumber, me.name);
      const id = await this.exchange.request(em, {
        personId: person.id,
        idNumber: me.idNumber,
        purpose: 'own-record',
        requestedBy: actorOf(p),
        role: 'resident',
        ownerSub: p.sub,
        consentScope: cmd.scope ?? '本人查询跨城市社会保险缴费记录',
        cities: this.registry.peersOf(this.config.cityCode).map((c) => c.code),
      });
      await this.audit.record(
        { actor: actorOf(p), action: 'social-insurance.record.request', resource: `record-request:${id}`, outcome: 'success' },
        em,
      );
      return this.viewOf(em, id);
    });
  }

  async get(p: UserPrincipal, id: string): Promise<RecordRequestView> {
    return this.dataSource.transaction(async (em) => {
      const r = await this.repo.findRequest(em, id);
      if (!r || r.purpose !== 'own-record' || r.owner_sub !== p.sub)
        throw socialInsuranceError('SI_REQUEST_NOT_FOUND', { detail: `no record request ${id} of yours` });
      const view = await this.viewOf(em, id);
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.record.read',
          resource: `person:${r.person_id}`,
          outcome: 'success',
          detail: { requestId: id },
        },
        em,
      );
      return view;
    });
  }

  private async viewOf(em: import('typeorm').EntityManager, id: string): Promise<RecordRequestView> {
    const r = (await this.repo.findRequest(em, id))!;
    const person = await this.repo.personById(em, r.person_id);
    const own = await this.repo.monthsOf(em, person.id, this.config.cityCode);
    const answers = await this.repo.answers(em, id);
    const { all: _all, ...view } = combinedRecord(
      person,
      { city: this.config.cityCode, months: own },
      r.asked_cities,
      answers,
      this.config.cityCode,
    );
    return { id, purpose: r.purpose, consent: r.consent, createdAt: new Date(r.created_at).toISOString(), ...view };
  }
}
