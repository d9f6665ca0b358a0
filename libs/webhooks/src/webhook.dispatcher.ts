import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { Sealer } from '@guangfo/gm-crypto';
import { type Lease, LeaseWorker, MetricsService, NODE_CONFIG, type NodeConfig } from '@guangfo/platform';
import { postWebhook, type WebhookPostResult } from './webhook-http.js';
import { WebhookOutbox } from './webhook-outbox.js';
import { webhookSecretAd } from './webhook-secret.seal.js';
import { signWebhookBody } from './webhook-signature.js';
import { webhookBackoffMs, WEBHOOK_POLICY, type WebhookPolicy } from './webhook.policy.js';

interface ClaimedRow {
  id: string;
  attempts: number;
  subscription_id: string;
  url: string;
  secret_sealed: string;
  deleted: boolean;
  event_id: string;
  event_type: string;
  subject: string;
  item_code: string | null;
  payload: Record<string, unknown>;
  occurred_at: Date;
}

/** The exact body a partner receives (and the signature covers). */
export const webhookBody = (
  cityCode: string,
  r: Pick<ClaimedRow, 'event_id' | 'event_type' | 'subject' | 'item_code' | 'payload' | 'occurred_at'>,
): string =>
  JSON.stringify({
    eventId: r.event_id,
    eventType: r.event_type,
    subject: r.subject,
    itemCode: r.item_code,
    city: cityCode,
    occurredAt: r.occurred_at.toISOString(),
    data: r.payload,
  });

/**
 * Sends committed webhook deliveries on the `LeaseWorker`: leases due rows, POSTs outside any
 * transaction (a batch in parallel), then logs the attempt and records the outcome: delivered,
 * retry with exponential backoff, or failed after the last attempt. A crashed sender's leased
 * rows are retried when the lease runs out.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly worker: LeaseWorker<ClaimedRow>;
  private readonly attemptsMetric: Counter<'outcome'>;

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    @Inject(WEBHOOK_POLICY) private readonly policy: WebhookPolicy,
    private readonly dataSource: DataSource,
    private readonly sealer: Sealer,
    metrics: MetricsService,
    outbox: WebhookOutbox,
  ) {
    this.attemptsMetric = new Counter({
      name: 'guangfo_webhook_attempts_total',
      help: 'Webhook delivery attempts, by outcome',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
    this.worker = new LeaseWorker<ClaimedRow>(
      dataSource,
      {
        name: 'webhook dispatch',
        table: 'platform.webhook_delivery',
        key: 'id',
        due: `status = 'pending' AND next_attempt_at <= now()`,
        order: 'next_attempt_at',
        settleWhen: `status = 'pending'`,
        select: `SELECT c.id, c.attempts, c.subscription_id, s.url, s.secret_sealed, s.deleted_at IS NOT NULL AS deleted,
                        e.id AS event_id, e.event_type, e.subject, e.item_code, e.payload, e.occurred_at
                   FROM claimed c JOIN platform.webhook_subscription s ON s.id = c.subscription_id JOIN platform.webhook_event e ON e.id = c.event_id`,
        batchSize: () => this.policy.batchSize,
        leaseMs: () => this.policy.timeoutMs + 30_000,
        pollMs: () => this.policy.pollMs,
        act: async (rows, lease) => {
          await Promise.all(rows.map((r) => this.deliver(r, lease)));
        },
      },
      this.logger,
    );
    outbox.onEnqueued(() => this.nudge());
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

  /** One pass: claim due deliveries, send them, record the outcomes. Returns the attempts made. */
  pass(): Promise<number> {
    return this.worker.pass();
  }

  private async deliver(r: ClaimedRow, lease: Lease): Promise<void> {
    if (r.deleted) {
      await lease.settle(r.id, `status = 'cancelled', completed_at = now()`);
      return;
    }
    const attempt = r.attempts + 1;
    const startedAt = new Date();
    let result: WebhookPostResult;
    try {
      const secret = this.sealer.open(r.secret_sealed, webhookSecretAd(r.subscription_id));
      const body = webhookBody(this.config.cityCode, r);
      const timestamp = String(Math.floor(Date.now() / 1000));
      result = await postWebhook(
        r.url,
        {
          'content-type': 'application/json',
          'user-agent': `Guangfo-Webhooks/1 (+city ${this.config.cityCode})`,
          'x-guangfo-event': r.event_type,
          'x-guangfo-event-id': r.event_id,
          'x-guangfo-delivery': r.id,
          'x-guangfo-attempt': String(attempt),
          'x-guangfo-timestamp': timestamp,
          'x-guangfo-signature': signWebhookBody(secret, timestamp, body),
        },
        body,
        { timeoutMs: this.policy.timeoutMs, policy: this.policy.outbound },
      );
    } catch (err) {
      result = { ok: false, durationMs: Date.now() - startedAt.getTime(), error: (err as Error).message };
    }
    const error = result.error?.slice(0, 500) ?? null;
    const final = !result.ok && attempt >= this.policy.maxAttempts;
    const outcome = result.ok ? 'delivered' : final ? 'failed' : 'retry';
    this.attemptsMetric.inc({ outcome });
    if (!result.ok)
      this.logger.warn({ delivery: r.id, attempt, statusCode: result.statusCode, error }, `webhook attempt failed (${outcome})`);
    await this.dataSource.transaction(async (em) => {
      await em.query(
        `INSERT INTO platform.webhook_attempt (delivery_id, attempt_no, started_at, duration_ms, status_code, error) VALUES ($1, $2, $3, $4, $5, $6)`,
        [r.id, attempt, startedAt.toISOString(), result.durationMs, result.statusCode ?? null, error],
      );
      await lease.settle(
        r.id,
        `attempts = $3, last_status_code = $4, last_error = $5,
         status = $6, completed_at = CASE WHEN $6 = 'pending' THEN NULL ELSE now() END,
         next_attempt_at = CASE WHEN $6 = 'pending' THEN now() + ($7::int * interval '1 millisecond') ELSE next_attempt_at END`,
        [
          attempt,
          result.statusCode ?? null,
          error,
          result.ok ? 'delivered' : final ? 'failed' : 'pending',
          webhookBackoffMs(this.policy, attempt),
        ],
        em,
      );
    });
  }
}
