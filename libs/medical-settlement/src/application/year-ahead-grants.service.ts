import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, toShanghaiDate } from '@guangfo/kernel';
import { AuditService, NODE_CONFIG, type NodeConfig, ScheduledJob } from '@guangfo/platform';
import { yearAhead } from '../domain/allowance.js';
import { MedicalRepository } from '../infrastructure/medical.repository.js';
import { AllowanceGrants } from './allowance-grants.js';
import { ReferenceDataService } from './reference-data.service.js';

/** How many days before 1 January the insured city grants the next year's allowances (MEDICAL_YEAR_AHEAD_DAYS, default 31). */
export const yearAheadDays = (): number => {
  const days = Number(process.env.MEDICAL_YEAR_AHEAD_DAYS ?? 31);
  return Number.isSafeInteger(days) && days >= 0 && days <= 366 ? days : 31;
};
/** How often the sweep runs (MEDICAL_YEAR_AHEAD_HOURS, default every 6 hours). */
const intervalMs = () => Number(process.env.MEDICAL_YEAR_AHEAD_HOURS ?? 6) * 3_600_000;
const pollMs = () => Number(process.env.MEDICAL_YEAR_AHEAD_POLL_MS ?? 60_000);
/** Persons granted per transaction (each: two grants, two events). */
const BATCH = 200;
const JOB = 'year-ahead';

export interface YearAheadSweep {
  /** The year granted, or null outside the lead window. */
  year: number | null;
  /** Persons (per treating city) granted in this sweep. */
  granted: number;
}

/**
 * Year-ahead grants at the insured city (参保地). A person's allowance at the treating city is per calendar year, and a
 * treating city asks for a year's first grant only when a settlement finds none — so, without this, every person's first
 * settlement of a new year would pay the fund part as cash (FUND_ALLOWANCE_EXHAUSTED) while the request travels. In the
 * last MEDICAL_YEAR_AHEAD_DAYS of a year this sweep opens the next year's caps (from the policy in force on its last day)
 * and grants each treating city a first chunk for every person whose own 备案 there touches that year and who holds no grant
 * of it yet; a 备案 registered in that window gets it at registration (FilingService.register). Idempotent (a person with a
 * grant of the year is skipped), resumable (each batch commits on its own), on the platform's LeaseWorker over
 * `medical.grant_schedule`, one node of the city at a time, every MEDICAL_YEAR_AHEAD_HOURS.
 */
@Injectable()
export class YearAheadGrantsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(YearAheadGrantsService.name);
  private readonly job: ScheduledJob;

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly dataSource: DataSource,
    private readonly repo: MedicalRepository,
    private readonly reference: ReferenceDataService,
    private readonly grants: AllowanceGrants,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.job = new ScheduledJob(
      dataSource,
      {
        name: 'medical year-ahead grants',
        table: 'medical.grant_schedule',
        key: 'job',
        rows: () => [{ key: JOB, firstRunAt: this.clock.now() }],
        everyMs: intervalMs,
        pollMs,
        leaseMs: 600_000,
        run: async () => {
          const sweep = await this.sweep();
          return { last_year: sweep.year, last_count: sweep.granted, last_run_at: this.clock.now() };
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

  /** One sweep now (the worker's pass; tests call it with a moved clock). */
  async sweep(): Promise<YearAheadSweep> {
    const year = yearAhead(toShanghaiDate(this.clock.now()), yearAheadDays());
    if (year === null) return { year, granted: 0 };
    let granted = 0;
    for (;;) {
      const n = await this.dataSource.transaction(async (em) => {
        const persons = await this.repo.personsWithoutGrant(em, year, BATCH);
        if (!persons.length) return 0;
        const policy = await this.reference.policy(em, this.config.cityCode, `${year}-12-31`);
        for (const p of persons) await this.grants.openYear(em, p, year, p.treating_city, policy, true);
        await this.audit.record(
          {
            actor: 'system',
            action: 'medical.allowance.year-ahead',
            resource: 'medical-allowance:*',
            outcome: 'success',
            detail: { year, persons: persons.map((p) => p.id), treatingCities: [...new Set(persons.map((p) => p.treating_city))] },
          },
          em,
        );
        return persons.length;
      });
      granted += n;
      if (n < BATCH) break;
    }
    if (granted) this.logger.log({ year, granted }, 'year-ahead allowances granted');
    return { year, granted };
  }
}
