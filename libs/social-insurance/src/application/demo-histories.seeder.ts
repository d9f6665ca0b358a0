import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SOCIAL_INSURANCE_SCHEMES, type SocialInsuranceScheme } from '@guangfo/contracts';
import { Clock, normalizeResidentId } from '@guangfo/kernel';
import { NODE_CONFIG, type NodeConfig } from '@guangfo/platform';
import { monthsFromTo } from '../domain/months.js';
import { SocialInsuranceRepository } from '../infrastructure/social-insurance.repository.js';
import { ContributionService } from './contribution.service.js';

/** One period of a demo history (seeds/demo/social-insurance.yaml): every month from `from` to `to` with the same amounts. */
export interface DemoHistoryPeriod {
  city: string;
  idNumber: string;
  name: string;
  scheme: SocialInsuranceScheme;
  employerUscc: string;
  from: string;
  to: string;
  baseFen: number;
  employerFen: number;
  personalFen: number;
  personalAccountFen: number;
}

/** A demo employer: its partner API key (seeds/demo/users.yaml) bound to its 统一社会信用代码. */
export interface DemoEmployer {
  city: string;
  partnerId: string;
  employerUscc: string;
  name: string;
}

/** Sandbox only: loads this city's demo contribution histories, as an employer report would (existing months are kept). */
@Injectable()
export class DemoHistorySeeder {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly dataSource: DataSource,
    private readonly repo: SocialInsuranceRepository,
    private readonly contributions: ContributionService,
    private readonly clock: Clock,
  ) {}

  async seed(periods: readonly DemoHistoryPeriod[], employers: readonly DemoEmployer[] = []): Promise<number> {
    if (!this.config.sandbox) throw new Error('demo histories are for the sandbox only');
    let months = 0;
    await this.dataSource.transaction(async (em) => {
      for (const e of employers.filter((x) => x.city === this.config.cityCode))
        await this.contributions.bindIn(em, e.partnerId, e.employerUscc, e.name, 'seed:demo');
      for (const p of periods.filter((x) => x.city === this.config.cityCode)) {
        const idNumber = normalizeResidentId(p.idNumber);
        if (!idNumber || !SOCIAL_INSURANCE_SCHEMES.includes(p.scheme)) throw new Error(`demo history: bad row for ${p.name}`);
        const person = await this.repo.ensurePerson(em, idNumber, p.name);
        for (const month of monthsFromTo(p.from, p.to)) {
          const outcome = await this.repo.upsertMonth(em, person.id, { ...p, month }, 'seed:demo', this.clock.now());
          if (outcome !== 'conflict') months++;
        }
      }
    });
    return months;
  }
}
