import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MedicalAllowanceReturnedV1 } from '@guangfo/contracts';
import { Clock, toShanghaiDate } from '@guangfo/kernel';
import { OutboxService } from '@guangfo/messaging';
import { AuditService, NODE_CONFIG, type NodeConfig, ScheduledJob } from '@guangfo/platform';
import { MedicalRepository } from '../infrastructure/medical.repository.js';

/** Days without a visit, once no 备案 covers a person here, before the allowance goes back (MEDICAL_ALLOWANCE_RETURN_IDLE_DAYS, default 30). */
export const allowanceReturnIdleDays = (): number => {
  const days = Number(process.env.MEDICAL_ALLOWANCE_RETURN_IDLE_DAYS ?? 30);
  return Number.isSafeInteger(days) && days >= 0 && days <= 366 ? days : 30;
};
/** How often the sweep runs (MEDICAL_ALLOWANCE_RETURN_HOURS, default every 6 hours). */
const intervalMs = () => Number(process.env.MEDICAL_ALLOWANCE_RETURN_HOURS ?? 6) * 3_600_000;
const pollMs = () => Number(process.env.MEDICAL_ALLOWANCE_RETURN_POLL_MS ?? 60_000);
/** Allowance rows returned per transaction (each: one event). */
const BATCH = 200;
const JOB = 'allowance-return';

export interface AllowanceReturnSweep {
  /** Allowance rows given back in this sweep. */
  returned: number;
  /** Fen given back in all. */
  fen: number;
}

/**
 * Returning unused allowances at the treating city (就医地). What the insured city granted here and is not spent is held out
 * of the person's annual cap for every other city — the insured city's own hospitals included — until it comes back. This
 * sweep gives back the remainder of every allowance that is no longer needed here (domain/allowance.ts): those of a year
 * that is over (a settlement draws on the year of its settlement day, so nothing can consume them any more; a later
 * reversal puts the settlement's share back, which the next sweep returns too), and those of a person who holds no 备案 here
 * covering today or later, has no visit open here and none begun in the last MEDICAL_ALLOWANCE_RETURN_IDLE_DAYS days (a
 * cancelled or expired 备案: visits begun before it ended are settled first). Each row's remainder becomes unspendable here
 * and the new cumulative total goes to the insured city by an addressed event (`allowance-returned`), in one transaction;
 * audited. If the person registers again, the insured city grants afresh. On the platform's LeaseWorker over
 * `medical.grant_schedule`, one node of the city at a time, every MEDICAL_ALLOWANCE_RETURN_HOURS.
 */
@Injectable()
export class AllowanceReturnService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AllowanceReturnService.name);
  private readonly job: ScheduledJob;

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly dataSource: DataSource,
    private readonly repo: MedicalRepository,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.job = new ScheduledJob(
      dataSource,
      {
        name: 'medical allowance returns',
        table: 'medical.grant_schedule',
        key: 'job',
        rows: () => [{ key: JOB, firstRunAt: this.clock.now() }],
        everyMs: intervalMs,
        pollMs,
        leaseMs: 600_000,
        run: async () => ({ last_count: (await this.sweep()).returned, last_run_at: this.clock.now() }),
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
  async sweep(): Promise<AllowanceReturnSweep> {
    const today = toShanghaiDate(this.clock.now());
    const thisYear = Number(today.slice(0, 4));
    let returned = 0;
    let fen = 0;
    for (;;) {
      const rows = await this.dataSource.transaction(async (em) => {
        const given = await this.repo.returnUnused(em, today, allowanceReturnIdleDays(), BATCH);
        for (const a of given)
          await this.outbox.add(em, {
            contract: MedicalAllowanceReturnedV1,
            domain: 'medical',
            subject: `${a.person_id}:${a.year}:${a.pot}`,
            toCity: a.insured_city,
            data: {
              personId: a.person_id,
              year: a.year,
              pot: a.pot,
              returnedTotalFen: Number(a.returned_fen),
              consumedFen: Number(a.consumed_fen),
              reason: a.year < thisYear ? 'year-closed' : 'no-filing',
            },
          });
        if (given.length)
          await this.audit.record(
            {
              actor: 'system',
              action: 'medical.allowance.return',
              resource: 'medical-allowance:*',
              outcome: 'success',
              detail: {
                today,
                allowances: given.map((a) => ({ person: a.person_id, year: a.year, pot: a.pot, fen: Number(a.added_fen) })),
              },
            },
            em,
          );
        return given;
      });
      returned += rows.length;
      fen += rows.reduce((s, a) => s + Number(a.added_fen), 0);
      if (rows.length < BATCH) break;
    }
    if (returned) this.logger.log({ returned, fen, city: this.config.cityCode }, 'unused allowances returned');
    return { returned, fen };
  }
}
