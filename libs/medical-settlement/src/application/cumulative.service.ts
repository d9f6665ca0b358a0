import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, toShanghaiDate } from '@guangfo/kernel';
import { actorOf, AuditService, DomainError, NODE_CONFIG, type NodeConfig, type PartnerPrincipal } from '@guangfo/platform';
import { type CumulativeFigures, cumulativeFigures } from '../domain/cumulative.js';
import { medicalError } from '../medical.errors.js';
import { CumulativeRepository } from '../infrastructure/cumulative.repository.js';
import { allowanceOf, MedicalRepository } from '../infrastructure/medical.repository.js';
import { ReferenceDataService } from './reference-data.service.js';
import { SettlementService } from './settlement.service.js';

export interface CumulativeView extends CumulativeFigures {
  personId: string;
  insuredCity: string;
  /** The insured city's policy version the cap was read from (null when none has reached this node). */
  policyVersion: string | null;
}

/**
 * 5206 人员累计信息查询 at the treating city's node: a hospital of this city asks for a person's cumulative figures of a year,
 * answered from what the node holds (the replicated 备案, policy and allowance, its own settlements) without asking the insured
 * city, each figure marked as the insured city's knowledge or this city's own (domain/cumulative.ts). Audited.
 */
@Injectable()
export class CumulativeService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly dataSource: DataSource,
    private readonly settlements: SettlementService,
    private readonly medical: MedicalRepository,
    private readonly repo: CumulativeRepository,
    private readonly reference: ReferenceDataService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async figures(p: PartnerPrincipal, personId: string, year?: number): Promise<CumulativeView> {
    const h = await this.settlements.hospital(p);
    const today = toShanghaiDate(this.clock.now());
    const y = year ?? Number(today.slice(0, 4));
    if (!Number.isInteger(y) || y < 2000 || y > Number(today.slice(0, 4)))
      throw medicalError('MEDICAL_INVALID_REQUEST', { detail: `year ${y}: from 2000 to this year` });
    return this.dataSource.transaction(async (em) => {
      const person = await this.medical.person(em, personId);
      const filings = person ? await this.medical.filingsOf(em, person.id, this.config.cityCode) : [];
      if (!person || !filings.length) throw medicalError('MEDICAL_NOT_REGISTERED', { detail: 'no 备案 for this person at this city' });
      const policyDate = y < Number(today.slice(0, 4)) ? `${y}-12-31` : today;
      // No policy of the insured city here yet: the cap is unknown (null), the rest still answers.
      const policy = await this.reference.policy(em, person.insured_city, policyDate).catch((e: unknown) => {
        if (e instanceof DomainError && e.code === 'MEDICAL_POLICY_MISSING') return null;
        throw e;
      });
      const rows = await this.medical.allowances(em, person.id, y, false);
      const figures = cumulativeFigures({
        year: y,
        annualCapFen: policy?.annualCapFen.hifp ?? null,
        allowances: rows.map((r) => ({
          pot: r.pot,
          ...allowanceOf(r),
          topUpRequested: r.requested_at !== null,
        })),
        settledHere: await this.repo.settledInYear(em, person.id, y),
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.person.cumulative',
          resource: `medical-person:${person.id}`,
          outcome: 'success',
          detail: { infno: '5206', year: y, hospital: h.hospital_code },
        },
        em,
      );
      return { personId: person.id, insuredCity: person.insured_city, policyVersion: policy?.version ?? null, ...figures };
    });
  }
}
