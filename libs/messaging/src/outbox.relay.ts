import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { backoffMs } from '@guangfo/kernel';
import { CommitNotifier, type Lease, LeaseWorker, MetricsService, NODE_CONFIG, type NodeConfig } from '@guangfo/platform';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { OUTBOX_CHANNEL, OutboxService } from './outbox.service.js';
import { EventSigner } from './event-signer.js';
import type { SignedEvent } from './signed-event.js';
import { CITY_TRANSPORT, type CityTransport, type PublishResult } from './transports/city-transport.js';

interface OutboxRow {
  seq: string;
  subject: string;
  envelope: SignedEvent;
  delivered_to: string[];
  attempts: number;
}

const MAX_BACKOFF_MS = 30_000;
const BATCH_SIZE = 200;
/** Longer than any publish pass; a relay that dies mid-batch leaves its rows to the next one after it (`RELAY_LEASE_MS`). */
const LEASE_MS = 120_000;

/**
 * The per-subject order rule of the claim: a row is leased only if every unsent row of its subject
 * with a lower `seq` is leased by the same claim. So a subject's rows are claimed contiguously from
 * its lowest unsent row, never while an earlier one is waiting for a retry, leased by another
 * relay, or being claimed concurrently (locked, hence skipped, hence not in `candidates`).
 */
const PER_SUBJECT_ORDER = `NOT EXISTS (
  SELECT 1 FROM platform.outbox e
   WHERE e.subject = t.subject AND e.sent_at IS NULL AND e.seq < t.seq AND e.seq NOT IN (SELECT seq FROM candidates))`;

/**
 * Publishes committed outbox rows in order, on the `LeaseWorker`: claims a batch with a lease
 * (per-subject rule above), publishes it outside any database transaction with one
 * `publishBatch` call, and records the outcomes as the transport reports them: a failure
 * (attempts/last_error and a backoff) at once in its own statement, the rows reported sent together
 * (a Kafka batch, an embedded lane) in one statement as soon as that report is over (one commit, not
 * one per row). A row that fails holds the later rows of its subject (in this batch and after)
 * until it is sent. A relay killed mid-batch loses nothing: its rows are published again when the
 * lease runs out, and the receiver's inbox absorbs the duplicates. Several relays may run against
 * one database.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly worker: LeaseWorker<OutboxRow>;
  /** Commit → publish at idle within milliseconds: the outbox insert notifies at commit, in any process of the city. */
  private readonly commits: CommitNotifier;

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    @Inject(CITY_TRANSPORT) private readonly transport: CityTransport,
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
    private readonly signer: EventSigner,
    outbox: OutboxService,
  ) {
    this.worker = new LeaseWorker<OutboxRow>(
      dataSource,
      {
        name: 'outbox relay',
        table: 'platform.outbox',
        key: 'seq',
        keyType: 'bigint',
        due: 'sent_at IS NULL AND next_attempt_at <= now()',
        order: 'seq',
        claimable: PER_SUBJECT_ORDER,
        select: 'SELECT seq, subject, envelope, delivered_to, attempts FROM claimed ORDER BY seq',
        batchSize: () => BATCH_SIZE,
        leaseMs: () => this.config.relayLeaseMs ?? LEASE_MS,
        pollMs: () => this.config.relayPollMs,
        ready: () => this.transport.isReady(),
        act: (rows, lease) => this.publish(rows, lease),
      },
      this.logger,
    );
    outbox.onAdded(() => this.nudge());
    // The notification comes at commit: the rows are there, so the pass starts at once (a writer's own nudge, before
    // its commit, waits a few ms).
    this.commits = new CommitNotifier(config.databaseUrl, OUTBOX_CHANNEL, () => this.worker.wake(), this.logger);
    this.registerBacklogGauges();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker.start();
    await this.commits.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.commits.stop();
    await this.worker.stop();
  }

  /** Ask for a pass soon (after the current one). */
  nudge(): void {
    this.worker.nudge();
  }

  /** One pass: claim a batch, publish it, record the outcomes. Returns the rows claimed. */
  pass(): Promise<number> {
    return this.worker.pass();
  }

  /** The outbox backlog, read when /metrics is scraped: unsent rows and the age of the oldest. */
  private registerBacklogGauges(): void {
    const backlog = async (): Promise<{ n: number; age: number }> => {
      const [row] = (await this.dataSource.query(
        `SELECT count(*)::int AS n, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age FROM platform.outbox WHERE sent_at IS NULL`,
      )) as { n: number; age: number }[];
      return row ?? { n: 0, age: 0 };
    };
    const registers = [this.metrics.registry];
    new Gauge({
      name: 'guangfo_outbox_pending',
      help: 'Outbox rows not yet sent',
      registers,
      async collect() {
        this.set((await backlog()).n);
      },
    });
    new Gauge({
      name: 'guangfo_outbox_oldest_unsent_seconds',
      help: 'Age of the oldest outbox row not yet sent (0 when none)',
      registers,
      async collect() {
        this.set((await backlog()).age);
      },
    });
  }

  /**
   * One SM2 signature for the claimed batch: events not signed yet (the outbox stores them unsigned)
   * get their `sigbatch`; a row already signed (per event, or by an earlier pass) keeps its signature.
   */
  private signed(rows: OutboxRow[]): OutboxRow[] {
    const pending = rows.filter((r) => !r.envelope.sig && !r.envelope.sigbatch);
    const signed = new Map(this.signer.signBatch(pending.map((r) => r.envelope)).map((e) => [e.id, e]));
    return rows.map((r) => (signed.has(r.envelope.id) ? { ...r, envelope: signed.get(r.envelope.id)! } : r));
  }

  private async publish(claimed: OutboxRow[], lease: Lease): Promise<void> {
    const rows = this.signed(claimed);
    const failed = new Set<string>();
    // Rows the transport reports sent together (a Kafka batch, an embedded lane) are recorded together, in one statement
    // once that report is over, while the rest of the batch may still be in flight. Per chunk of 32 rows instead, a
    // backlog drained at about 4/5 of the rate (Kafka, 3 000 events in batches of 200: 1 266 against 1 591 and 1 592 /s).
    let sent: OutboxRow[] = [];
    const sentResults = new Map<string, PublishResult>();
    const flush = async (): Promise<void> => {
      const done = sent;
      sent = [];
      if (!done.length) return;
      await lease.settleMany(
        done.map((r) => ({ key: r.seq, values: [JSON.stringify(sentResults.get(r.seq)!.deliveredTo), JSON.stringify(r.envelope)] })),
        // The envelope as sent (with its batch signature): what the receiver verified, kept for audit and resending.
        `sent_at = now(), delivered_to = ARRAY(SELECT jsonb_array_elements_text(v.p1::jsonb)), attempts = t.attempts + 1, last_error = NULL, envelope = v.p2::jsonb`,
      );
      for (const r of done) this.metrics.eventsPublished.inc({ type: r.envelope.type, transport: this.transport.kind });
    };
    // The flushes started during the pass (each settles before the pass ends); the first error is the pass's.
    const flushing: Promise<void>[] = [];
    let flushError: unknown;
    let flushQueued = false;
    const flushSoon = (): void => {
      if (flushQueued) return;
      flushQueued = true;
      // An immediate runs after the transport's report loop (microtasks) is over: its whole group in one statement.
      const started = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        flushQueued = false;
        return flush();
      });
      flushing.push(started.catch((err: unknown) => void (flushError ??= err)));
    };
    const record = async (i: number, result: PublishResult): Promise<void> => {
      const row = rows[i]!;
      if (failed.has(row.subject) || result.held) {
        // Never sent ahead of the earlier row of its subject: back to pending, no attempt counted.
        failed.add(row.subject);
        await lease.settle(row.seq, `delivered_to = $3`, [result.deliveredTo]);
      } else if (result.complete) {
        sent.push(row);
        sentResults.set(row.seq, result);
        flushSoon();
      } else {
        failed.add(row.subject);
        // Attempt n = attempts so far + 1; capped at 30 s and at 1024 × base (ten doublings).
        const backoff = backoffMs(
          { baseMs: this.config.retryBaseMs, maxMs: Math.min(MAX_BACKOFF_MS, this.config.retryBaseMs * 1024) },
          row.attempts + 1,
        );
        await lease.settle(
          row.seq,
          `attempts = attempts + 1, delivered_to = $3, last_error = $4, next_attempt_at = now() + ($5::int * interval '1 millisecond')`,
          [result.deliveredTo, result.error ?? 'not delivered to every city yet', backoff],
        );
      }
    };
    const reported = new Set<number>();
    try {
      await this.transport.publishBatch(
        rows.map((r) => ({ event: r.envelope, deliveredTo: r.delivered_to })),
        async (i, result) => {
          reported.add(i);
          await record(i, result);
        },
      );
    } catch (err) {
      // Rows the transport did not report before failing: a failed attempt each (in order).
      for (const i of rows.keys())
        if (!reported.has(i)) await record(i, { deliveredTo: rows[i]!.delivered_to, complete: false, error: (err as Error).message });
    } finally {
      await Promise.all(flushing);
      await flush();
    }
    if (flushError) throw flushError;
  }
}
