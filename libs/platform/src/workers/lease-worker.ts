import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { PollLoop } from './poll-loop.js';
import { prepared, type PreparedSql, queryRows, runSql } from '../database/query-rows.js';

/** The table a worker claims from: it has `lease_owner text` and `lease_until timestamptz` columns. */
export interface LeaseTable {
  /** Schema-qualified table, e.g. `platform.outbox`. */
  readonly table: string;
  /** Primary key column. */
  readonly key: string;
  /** Its SQL type (default `text`): keys come back as text and are cast to it, so outcomes recorded together find their rows by the key's index. */
  readonly keyType?: string;
  /** SQL predicate (over the table's columns, unqualified) for rows that are due for work. */
  readonly due: string;
  /** ORDER BY of the candidates (oldest first). */
  readonly order: string;
  /**
   * Optional SQL predicate over `t` (the candidate row) deciding whether a locked candidate is
   * leased; `candidates` (column `key`) names every row locked by this claim.
   */
  readonly claimable?: string;
  /** Optional SQL predicate an outcome also needs (e.g. the row was not cancelled meanwhile). */
  readonly settleWhen?: string;
  /** Optional projection of the leased rows (`claimed`), e.g. to join related tables. Default `SELECT * FROM claimed`. */
  readonly select?: string;
}

export interface LeaseWorkerOptions<R> extends LeaseTable {
  /** For logs: "outbox relay", "webhook dispatch"… */
  readonly name: string;
  readonly batchSize: () => number;
  /** How long a claim is held; a worker that dies leaves rows that are claimable again after it. */
  readonly leaseMs: () => number;
  readonly pollMs: () => number;
  /** Acts on the claimed rows (outside any transaction) and records each outcome with `lease.settle`. */
  readonly act: (rows: R[], lease: Lease) => Promise<void>;
  /** A pass is skipped while this says no (e.g. the transport is not connected). */
  readonly ready?: () => boolean;
}

/** The claim a pass holds, with the statement that records a row's outcome. */
export interface Lease {
  readonly owner: string;
  /**
   * Records one row's outcome and releases its lease, in one short statement (or in `em`'s
   * transaction): `UPDATE table SET <set>, lease_owner = NULL, lease_until = NULL WHERE key = $1
   * AND lease_owner = $2`. Parameters of `set` start at `$3`. Returns false when the lease was lost
   * (expired and claimed by another worker): the outcome is then not recorded.
   */
  settle(key: string, set: string, params?: readonly unknown[], em?: EntityManager): Promise<boolean>;
  /**
   * Records the same kind of outcome for several rows in one statement (one commit instead of one
   * per row) and releases their leases. `set` reads each row's own values as `v.p1 … v.pN` (text:
   * cast them in `set`). Rows whose lease was lost are skipped. Returns how many were recorded.
   * The statement is prepared per text: `set` is code, never values (those go in `rows`).
   */
  settleMany(rows: readonly { key: string; values: readonly (string | null)[] }[], set: string): Promise<number>;
  /** Gives a row back untouched (claimable again at once). */
  release(key: string): Promise<boolean>;
}

const MS = `* interval '1 millisecond'`;

/**
 * The one way background work runs against a table: (a) claim up to N due rows with a lease
 * (`lease_owner`, `lease_until`) in one short statement — candidates locked `FOR UPDATE SKIP
 * LOCKED`, so two workers never lease the same row; (b) act on them outside any transaction;
 * (c) record each outcome in its own short statement, clearing the lease. A lease that runs out
 * (the worker crashed or hung) makes its rows claimable again; the late worker's outcome is then
 * ignored. Passes run one at a time, every `pollMs`, soon after `nudge()`, at once after `wake()` or
 * after a pass that claimed a full batch.
 */
export class LeaseWorker<R extends object> {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly loop: PollLoop;
  private readonly claimSql: PreparedSql;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: LeaseWorkerOptions<R>,
    logger: Logger,
  ) {
    const o = options;
    // A full batch: more rows are probably due, so the next pass starts at once (a backlog drains without waiting pollMs).
    this.loop = new PollLoop(async () => (await this.pass()) >= o.batchSize(), o.pollMs, logger, o.name);
    // Prepared on each connection (it runs on every pass of every worker; planning it cost more than running it when idle).
    this.claimSql = prepared(`WITH candidates AS (
        SELECT ${o.key} FROM ${o.table}
         WHERE (${o.due}) AND (lease_until IS NULL OR lease_until < now())
         ORDER BY ${o.order} LIMIT $2 FOR UPDATE SKIP LOCKED
      ), claimed AS (
        UPDATE ${o.table} t SET lease_owner = $1, lease_until = now() + ($3::int ${MS})
          FROM candidates c WHERE t.${o.key} = c.${o.key}${o.claimable ? ` AND (${o.claimable})` : ''}
        RETURNING t.*
      ) ${o.select ?? 'SELECT * FROM claimed'}`);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Ask for a pass soon (after the current one). */
  nudge(): void {
    this.loop.nudge();
  }

  /** Ask for a pass at once (after the current one): the rows it is for are committed. */
  wake(): void {
    this.loop.wake();
  }

  /** Leases up to `limit` due rows for this worker (one statement). */
  async claim(limit = this.options.batchSize()): Promise<R[]> {
    return queryRows<R>(this.dataSource, this.claimSql, [this.owner, limit, this.options.leaseMs()]);
  }

  /** One pass: claim, act, (the action) settle. Returns the rows claimed. */
  async pass(): Promise<number> {
    if (this.options.ready && !this.options.ready()) return 0;
    const rows = await this.claim();
    if (rows.length) await this.options.act(rows, this.lease);
    return rows.length;
  }

  readonly lease: Lease = {
    owner: this.owner,
    settle: (key, set, params = [], em) => this.update(`${set}, lease_owner = NULL, lease_until = NULL`, key, params, em),
    settleMany: (rows, set) => this.updateMany(rows, `${set}, lease_owner = NULL, lease_until = NULL`),
    release: (key) => this.update('lease_owner = NULL, lease_until = NULL', key, []),
  };

  private async updateMany(rows: readonly { key: string; values: readonly (string | null)[] }[], set: string): Promise<number> {
    if (!rows.length) return 0;
    const { table, key: column, keyType = 'text', settleWhen } = this.options;
    const width = Math.max(...rows.map((r) => r.values.length));
    const columns = ['k text', ...Array.from({ length: width }, (_, i) => `p${i + 1} text`)].join(', ');
    const records = rows.map((r) => Object.fromEntries([['k', r.key], ...r.values.map((v, i) => [`p${i + 1}`, v])]));
    // Prepared too (one text per width of values: a handful per worker).
    const [, count] = (await runSql(
      this.dataSource,
      prepared(
        `UPDATE ${table} t SET ${set} FROM jsonb_to_recordset($2::jsonb) AS v(${columns})
        WHERE t.${column} = v.k::${keyType} AND t.lease_owner = $1${settleWhen ? ` AND (${settleWhen})` : ''}`,
      ),
      [this.owner, JSON.stringify(records)],
    )) as [unknown[], number];
    return count;
  }

  private async update(set: string, key: string, params: readonly unknown[], em?: EntityManager): Promise<boolean> {
    const { table, key: column, settleWhen } = this.options;
    const where = `${column} = $1 AND lease_owner = $2${settleWhen ? ` AND (${settleWhen})` : ''}`;
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [, count] = (await (em ?? this.dataSource).query(`UPDATE ${table} SET ${set} WHERE ${where}`, [key, this.owner, ...params])) as [
      unknown[],
      number,
    ];
    return count > 0;
  }
}
