import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Counter } from 'prom-client';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService, CityRegistry, type Lease, LeaseWorker, MetricsService, NODE_CONFIG, type NodeConfig } from '@guangfo/platform';
import { assertFileRef, FileInterchange } from './file-interchange.js';
import type { FileRef, StoredFile } from './file-store.js';
import { FILES_POLICY, type FilesPolicy, replicationBackoffMs } from './files.policy.js';
import type { AllowedMediaType } from './media-type.js';

export interface ReplicationRequest {
  /** The city that owns the file (the event's source city). */
  fromCity: string;
  ref: FileRef;
}

export interface ReplicationStatus {
  fileId: string;
  fromCity: string;
  status: 'pending' | 'done' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  completedAt: string | null;
}

export type ReplicatedListener = (e: { fromCity: string; ref: FileRef; file: StoredFile }, em: EntityManager) => Promise<void>;

interface Row {
  id: string;
  from_city: string;
  file_id: string;
  sha256: string;
  size_bytes: number;
  media_type: AllowedMediaType;
  status: ReplicationStatus['status'];
  attempts: number;
  last_error: string | null;
  created_at: Date;
  completed_at: Date | null;
}

const view = (r: Row): ReplicationStatus => ({
  fileId: r.file_id,
  fromCity: r.from_city,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  createdAt: r.created_at.toISOString(),
  completedAt: r.completed_at?.toISOString() ?? null,
});

/**
 * Background claim-check replication: domains enqueue `{ fromCity, ref }` in their own
 * transaction (typically the inbox handler of the event carrying the reference); this fetches
 * the file from the owning city off the critical path, with exponential backoff, and marks it
 * done — or failed after the last attempt (logged and audited).
 */
@Injectable()
export class FileReplicator implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FileReplicator.name);
  private readonly worker: LeaseWorker<Row>;
  private readonly listeners: ReplicatedListener[] = [];
  private readonly outcomes: Counter<'outcome'>;

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    @Inject(FILES_POLICY) private readonly policy: FilesPolicy,
    private readonly registry: CityRegistry,
    private readonly dataSource: DataSource,
    private readonly interchange: FileInterchange,
    private readonly audit: AuditService,
    metrics: MetricsService,
  ) {
    this.outcomes = new Counter({
      name: 'guangfo_file_replication_attempts_total',
      help: 'Claim-check fetch attempts, by outcome',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
    this.worker = new LeaseWorker<Row>(
      dataSource,
      {
        name: 'file replication',
        table: 'platform.file_replication',
        key: 'id',
        due: `status = 'pending' AND next_attempt_at <= now()`,
        order: 'next_attempt_at',
        batchSize: () => this.policy.batchSize,
        leaseMs: () => this.policy.fetchTimeoutMs * this.policy.fetchAttempts + 60_000,
        pollMs: () => this.policy.pollMs,
        act: async (rows, lease) => {
          await Promise.all(rows.map((r) => this.replicate(r, lease)));
        },
      },
      this.logger,
    );
  }

  /** Records a pending fetch in the caller's transaction. Idempotent per (fromCity, fileId). */
  async enqueue(em: EntityManager, r: ReplicationRequest): Promise<void> {
    assertFileRef(r.ref);
    if (r.fromCity === this.config.cityCode) throw new Error('FileReplicator.enqueue: the file is already in this city');
    if (!this.registry.get(r.fromCity)) throw new Error(`city ${r.fromCity} is not in the city registry`);
    await em.query(
      `INSERT INTO platform.file_replication (id, from_city, file_id, sha256, size_bytes, media_type) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (from_city, file_id) DO NOTHING`,
      [randomUUID(), r.fromCity, r.ref.fileId, r.ref.sha256, r.ref.sizeBytes, r.ref.mediaType],
    );
    this.nudge();
  }

  async status(fileId: string): Promise<ReplicationStatus | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT * FROM platform.file_replication WHERE file_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [fileId],
    )) as Row[];
    return row ? view(row) : undefined;
  }

  /** Runs in the transaction that stores a copy; throwing rolls the copy back (and it is retried). */
  onReplicated(listener: ReplicatedListener): void {
    this.listeners.push(listener);
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** Ask for a pass soon (after the current one). */
  nudge(): void {
    this.worker.nudge();
  }

  /** One pass: claim due replications (leased), fetch them, record the outcomes. */
  pass(): Promise<number> {
    return this.worker.pass();
  }

  private async replicate(r: Row, lease: Lease): Promise<void> {
    const ref: FileRef = { fileId: r.file_id, sha256: r.sha256, sizeBytes: r.size_bytes, mediaType: r.media_type };
    const attempt = r.attempts + 1;
    try {
      await this.interchange.fetchFromPeer(r.from_city, ref, {
        attempts: 1,
        onStored: async (file, em) => {
          for (const l of this.listeners) await l({ fromCity: r.from_city, ref, file }, em);
        },
      });
      this.outcomes.inc({ outcome: 'done' });
      await lease.settle(r.id, `status = 'done', attempts = $3, last_error = NULL, completed_at = now()`, [attempt]);
    } catch (err) {
      const message = ((err as Error).message ?? String(err)).slice(0, 500);
      const final = attempt >= this.policy.replicationMaxAttempts;
      this.outcomes.inc({ outcome: final ? 'failed' : 'retry' });
      this.logger[final ? 'error' : 'warn'](
        { fileId: r.file_id, fromCity: r.from_city, attempt, err: message },
        final ? 'file replication failed for good' : 'file replication attempt failed',
      );
      await this.dataSource.transaction(async (em) => {
        const recorded = await lease.settle(
          r.id,
          `attempts = $3, last_error = $4, status = $5,
           completed_at = CASE WHEN $5 = 'failed' THEN now() ELSE NULL END,
           next_attempt_at = now() + ($6::int * interval '1 millisecond')`,
          [attempt, message, final ? 'failed' : 'pending', replicationBackoffMs(this.policy, attempt)],
          em,
        );
        if (final && recorded) {
          await this.audit.record(
            {
              actor: 'system',
              action: 'file.replication-failed',
              resource: `file:${r.file_id}`,
              outcome: 'failed',
              detail: { fromCity: r.from_city, attempts: attempt, error: message },
            },
            em,
          );
        }
      });
    }
  }
}
