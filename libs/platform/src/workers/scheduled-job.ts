import type { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { LeaseWorker } from './lease-worker.js';

/** A schedule table: its key column, `next_run_at timestamptz`, `lease_owner text`, `lease_until timestamptz`, and whatever a run records. */
export interface ScheduledJobOptions {
  /** For logs: "medical year-ahead grants"… */
  readonly name: string;
  /** Schema-qualified schedule table, e.g. `medical.grant_schedule`. */
  readonly table: string;
  /** Its primary key column: one row per job (or per target of a job, e.g. per peer city). */
  readonly key: string;
  /** The rows this worker runs (a table may hold other jobs' rows), each with its first run when it is not there yet. */
  readonly rows: () => readonly { key: string; firstRunAt: Date }[];
  /** Time between a run's end and the next run of the same row. */
  readonly everyMs: () => number;
  /** How often the schedule is looked at. */
  readonly pollMs: () => number;
  /** Longer than any run: a node that dies mid-run leaves the row to another node after it. */
  readonly leaseMs: number;
  /** Runs the job for one row and says what to record on it besides the next run (column → value; columns of the table). */
  readonly run: (key: string) => Promise<Record<string, unknown>>;
}

/**
 * The one way a domain runs periodic work (a sweep, a scheduled check): rows of a schedule table
 * on the platform's {@link LeaseWorker}, so one node of the city runs each row at a time, a run
 * that dies is taken over after its lease, and `next_run_at` moves on only when a run finished.
 * `start()` adds the missing rows (`ON CONFLICT DO NOTHING`: never moves a row already scheduled).
 */
export class ScheduledJob {
  private readonly worker: LeaseWorker<{ key: string }>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: ScheduledJobOptions,
    logger: Logger,
  ) {
    const o = options;
    this.worker = new LeaseWorker<{ key: string }>(
      dataSource,
      {
        name: o.name,
        table: o.table,
        key: o.key,
        // Only this worker's rows (a table may hold other jobs' rows): their keys as quoted literals.
        due: `next_run_at <= now() AND ${o.key} IN (${
          o
            .rows()
            .map((r) => `'${r.key.replace(/'/g, "''")}'`)
            .join(', ') || 'NULL'
        })`,
        order: 'next_run_at',
        select: `SELECT ${o.key}::text AS key FROM claimed`,
        batchSize: () => 10,
        leaseMs: () => o.leaseMs,
        pollMs: o.pollMs,
        act: async (rows, lease) => {
          for (const r of rows) {
            const recorded = Object.entries(await o.run(r.key));
            await lease.settle(
              r.key,
              [`next_run_at = now() + $3 * interval '1 millisecond'`, ...recorded.map(([column], i) => `${column} = $${i + 4}`)].join(', '),
              [o.everyMs(), ...recorded.map(([, value]) => value)],
            );
          }
        },
      },
      logger,
    );
  }

  /** Adds this worker's missing rows, then runs them when due. */
  async start(): Promise<void> {
    for (const r of this.options.rows())
      await this.dataSource.query(
        `INSERT INTO ${this.options.table} (${this.options.key}, next_run_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [r.key, r.firstRunAt],
      );
    this.worker.start();
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }
}
