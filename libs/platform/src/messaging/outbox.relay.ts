import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { backoffMs } from '@guangfo/kernel';
import { DataSource } from 'typeorm';
import { NODE_CONFIG } from '../config/node-config.token.js';
import type { NodeConfig } from '../config/node-config.js';
import { MetricsService } from '../observability/metrics.service.js';
import { OutboxService } from './outbox.service.js';
import type { SignedEvent } from './signed-event.js';
import { CITY_TRANSPORT, type CityTransport } from './transports/city-transport.js';
import { PollLoop } from './poll-loop.js';

interface OutboxRow {
  seq: string;
  subject: string;
  envelope: SignedEvent;
  delivered_to: string[];
  attempts: number;
  due: boolean;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Publishes committed outbox rows in order. Rows of one subject never overtake each other:
 * a row waiting for a retry blocks the later rows of its subject. Several relays (processes)
 * may run against one database: rows are claimed with FOR UPDATE SKIP LOCKED.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly loop = new PollLoop(() => this.pass(), () => this.config.relayPollMs, this.logger, 'outbox relay');

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    @Inject(CITY_TRANSPORT) private readonly transport: CityTransport,
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
    outbox: OutboxService,
  ) {
    outbox.onAdded(() => this.nudge());
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Ask for a pass soon (after the current one). */
  nudge(): void {
    this.loop.nudge();
  }

  /** One pass: claim pending rows, publish in order, record the outcome. Returns rows sent. */
  async pass(limit = 200): Promise<number> {
    if (!this.transport.isReady()) return 0;
    let sent = 0;
    await this.dataSource.transaction(async (em) => {
      const rows = (await em.query(
        `SELECT seq, subject, envelope, delivered_to, attempts, next_attempt_at <= now() AS due
           FROM platform.outbox WHERE sent_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      )) as OutboxRow[];
      const blocked = new Set<string>();
      for (const row of rows) {
        if (blocked.has(row.subject)) continue;
        if (!row.due) {
          blocked.add(row.subject);
          continue;
        }
        let result;
        try {
          result = await this.transport.publish({ event: row.envelope, deliveredTo: row.delivered_to });
        } catch (err) {
          result = { deliveredTo: row.delivered_to, complete: false, error: (err as Error).message };
        }
        if (result.complete) {
          await em.query(`UPDATE platform.outbox SET sent_at = now(), delivered_to = $2, attempts = attempts + 1, last_error = NULL WHERE seq = $1`, [row.seq, result.deliveredTo]);
          this.metrics.eventsPublished.inc({ type: row.envelope.type, transport: this.transport.kind });
          sent += 1;
        } else {
          blocked.add(row.subject);
          // Attempt n = attempts so far + 1; capped at 30 s and at 1024 × base (ten doublings), as before.
          const backoff = backoffMs({ baseMs: this.config.retryBaseMs, maxMs: Math.min(MAX_BACKOFF_MS, this.config.retryBaseMs * 1024) }, row.attempts + 1);
          await em.query(
            `UPDATE platform.outbox SET attempts = attempts + 1, delivered_to = $2, last_error = $3,
                    next_attempt_at = now() + ($4::int * interval '1 millisecond') WHERE seq = $1`,
            [row.seq, result.deliveredTo, result.error ?? 'not delivered to every city yet', backoff],
          );
        }
      }
    });
    const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM platform.outbox WHERE sent_at IS NULL`)) as { n: number }[];
    this.metrics.outboxPending.set(n);
    return sent;
  }
}
