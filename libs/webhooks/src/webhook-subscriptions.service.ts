import { randomUUID } from 'node:crypto';
import { Sealer } from '@guangfo/gm-crypto';
import { cursorField, cursorShape, decodeCursor, encodeCursor } from '@guangfo/kernel';
import { AuditService, NODE_CONFIG, type NodeConfig, type PartnerPrincipal, platformError, queryRows } from '@guangfo/platform';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ITEM_CODES, type ItemCodes } from './item-codes.js';
import { WebhookOutbox } from './webhook-outbox.js';
import { webhookSecretAd } from './webhook-secret.seal.js';
import { generateWebhookSecret } from './webhook-signature.js';
import { checkWebhookUrl } from './webhook-url.js';
import { WEBHOOK_POLICY, type WebhookPolicy } from './webhook.policy.js';
import { WebhookDispatcher } from './webhook.dispatcher.js';

/** Deliveries page cursor: the last row's sequence number. */
const isDeliveryCursor = cursorShape<{ seq: string }>({ seq: cursorField.bigint });

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';

export interface WebhookSubscriptionView {
  id: string;
  url: string;
  eventTypes: string[];
  itemCodes: string[] | null;
  description: string;
  createdAt: string;
}

export interface WebhookDeliveryView {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  subject: string;
  itemCode: string | null;
  status: WebhookDeliveryStatus;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  redeliveries: number;
  createdAt: string;
  completedAt: string | null;
}

export interface WebhookAttemptView {
  attempt: number;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

interface SubscriptionRow {
  id: string;
  url: string;
  event_types: string[];
  item_codes: string[] | null;
  description: string;
  created_at: Date;
}
interface DeliveryRow {
  id: string;
  seq: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  subject: string;
  item_code: string | null;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  redeliveries: number;
  created_at: Date;
  completed_at: Date | null;
}

const subscriptionView = (r: SubscriptionRow): WebhookSubscriptionView => ({
  id: r.id,
  url: r.url,
  eventTypes: r.event_types,
  itemCodes: r.item_codes,
  description: r.description,
  createdAt: r.created_at.toISOString(),
});

const DELIVERY_SELECT = `SELECT d.id, d.seq, d.subscription_id, d.event_id, e.event_type, e.subject, e.item_code, d.status, d.attempts,
       d.next_attempt_at, d.last_status_code, d.last_error, d.redeliveries, d.created_at, d.completed_at
  FROM platform.webhook_delivery d JOIN platform.webhook_event e ON e.id = d.event_id`;

const invalidCursor = () =>
  platformError('VALIDATION_FAILED', {
    detail: 'cursor is not one this API issued',
    fieldErrors: [{ field: 'cursor', rule: 'cursor', message: 'invalid cursor' }],
  });

/** The partner-facing side of webhooks: own subscriptions, own deliveries, redelivery. */
@Injectable()
export class WebhookSubscriptionsService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    @Inject(WEBHOOK_POLICY) private readonly policy: WebhookPolicy,
    private readonly dataSource: DataSource,
    private readonly sealer: Sealer,
    private readonly audit: AuditService,
    private readonly outbox: WebhookOutbox,
    private readonly dispatcher: WebhookDispatcher,
    @Inject(ITEM_CODES) private readonly items: ItemCodes,
  ) {}

  eventTypes(): { type: string; description: string }[] {
    return this.outbox.declared();
  }

  async create(
    p: PartnerPrincipal,
    input: { url: string; eventTypes: string[]; itemCodes?: string[]; description?: string },
  ): Promise<WebhookSubscriptionView & { secret: string }> {
    const url = checkWebhookUrl(input.url, this.policy.outbound);
    if (!url.ok)
      throw platformError('WEBHOOK_URL_NOT_ALLOWED', {
        detail: `url: ${url.reason}`,
        fieldErrors: [{ field: 'url', rule: 'webhookUrl', message: url.reason }],
      });
    const unknown = input.eventTypes.filter((t) => !this.outbox.isDeclared(t));
    if (unknown.length) {
      throw platformError('WEBHOOK_UNKNOWN_EVENT_TYPE', {
        detail: `unknown event types: ${unknown.join(', ')} (GET /api/v1/webhooks/event-types lists them)`,
        fieldErrors: unknown.map((t) => ({ field: 'eventTypes', rule: 'declaredEventType', message: `${t} is not a declared event type` })),
      });
    }
    // Item scopes name catalogue items (stored as base codes, which is what events carry).
    const itemCodes = (input.itemCodes ?? []).map((code, i) => ({ code, i, base: this.items.baseCodeOf(code) }));
    const unknownItems = itemCodes.filter((c) => c.base === undefined);
    if (unknownItems.length) {
      throw platformError('VALIDATION_FAILED', {
        detail: `itemCodes: not in the catalogue: ${unknownItems.map((c) => c.code).join(', ')}`,
        fieldErrors: unknownItems.map((c) => ({
          field: `itemCodes.${c.i}`,
          rule: 'catalogueItem',
          message: `${c.code} is not an item of the catalogue`,
        })),
      });
    }
    const id = randomUUID();
    const secret = generateWebhookSecret();
    const row = await this.dataSource.transaction(async (em) => {
      const [r] = (await em.query(
        `INSERT INTO platform.webhook_subscription (id, partner_id, city_code, url, event_types, item_codes, description, secret_sealed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [
          id,
          p.id,
          p.city,
          url.url.toString(),
          [...new Set(input.eventTypes)],
          itemCodes.length ? [...new Set(itemCodes.map((c) => c.base!))] : null,
          input.description ?? '',
          this.sealer.seal(secret, webhookSecretAd(id)),
        ],
      )) as SubscriptionRow[];
      await this.audit.record(
        {
          actor: `partner:${p.id}`,
          action: 'webhook.subscribed',
          resource: `webhook-subscription:${id}`,
          outcome: 'success',
          detail: { eventTypes: r.event_types, host: url.url.host },
        },
        em,
      );
      return r;
    });
    return { ...subscriptionView(row), secret };
  }

  async list(p: PartnerPrincipal): Promise<WebhookSubscriptionView[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM platform.webhook_subscription WHERE partner_id = $1 AND deleted_at IS NULL ORDER BY created_at DESC, id`,
      [p.id],
    )) as SubscriptionRow[];
    return rows.map(subscriptionView);
  }

  async get(p: PartnerPrincipal, id: string): Promise<WebhookSubscriptionView> {
    const [row] = (await this.dataSource.query(
      `SELECT * FROM platform.webhook_subscription WHERE id = $1 AND partner_id = $2 AND deleted_at IS NULL`,
      [id, p.id],
    )) as SubscriptionRow[];
    if (!row) throw platformError('WEBHOOK_SUBSCRIPTION_NOT_FOUND', { detail: `no subscription ${id}` });
    return subscriptionView(row);
  }

  async remove(p: PartnerPrincipal, id: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const rows = await queryRows<{ id: string }>(
        em,
        `UPDATE platform.webhook_subscription SET deleted_at = now() WHERE id = $1 AND partner_id = $2 AND deleted_at IS NULL RETURNING id`,
        [id, p.id],
      );
      if (!rows.length) throw platformError('WEBHOOK_SUBSCRIPTION_NOT_FOUND', { detail: `no subscription ${id}` });
      await em.query(
        `UPDATE platform.webhook_delivery SET status = 'cancelled', completed_at = now() WHERE subscription_id = $1 AND status = 'pending'`,
        [id],
      );
      await this.audit.record(
        { actor: `partner:${p.id}`, action: 'webhook.unsubscribed', resource: `webhook-subscription:${id}`, outcome: 'success' },
        em,
      );
    });
  }

  async rotateSecret(p: PartnerPrincipal, id: string): Promise<WebhookSubscriptionView & { secret: string }> {
    const secret = generateWebhookSecret();
    const row = await this.dataSource.transaction(async (em) => {
      const rows = await queryRows<SubscriptionRow>(
        em,
        `UPDATE platform.webhook_subscription SET secret_sealed = $3 WHERE id = $1 AND partner_id = $2 AND deleted_at IS NULL RETURNING *`,
        [id, p.id, this.sealer.seal(secret, webhookSecretAd(id))],
      );
      if (!rows.length) throw platformError('WEBHOOK_SUBSCRIPTION_NOT_FOUND', { detail: `no subscription ${id}` });
      await this.audit.record(
        { actor: `partner:${p.id}`, action: 'webhook.secret-rotated', resource: `webhook-subscription:${id}`, outcome: 'success' },
        em,
      );
      return rows[0];
    });
    return { ...subscriptionView(row), secret };
  }

  async deliveries(
    p: PartnerPrincipal,
    q: { status?: WebhookDeliveryStatus; subscriptionId?: string; cursor?: string; limit: number },
  ): Promise<{ items: WebhookDeliveryView[]; nextCursor: string | null }> {
    let before: string | null = null;
    if (q.cursor) {
      const c = decodeCursor(q.cursor, isDeliveryCursor);
      if (!c) throw invalidCursor();
      before = c.seq;
    }
    const rows = (await this.dataSource.query(
      `${DELIVERY_SELECT}
        WHERE d.partner_id = $1 AND ($2::text IS NULL OR d.status = $2) AND ($3::uuid IS NULL OR d.subscription_id = $3)
          AND ($4::bigint IS NULL OR d.seq < $4::bigint)
        ORDER BY d.seq DESC LIMIT $5`,
      [p.id, q.status ?? null, q.subscriptionId ?? null, before, q.limit + 1],
    )) as DeliveryRow[];
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((r) => this.deliveryView(r)),
      nextCursor: rows.length > q.limit ? encodeCursor({ seq: String(page[page.length - 1].seq) }) : null,
    };
  }

  async delivery(p: PartnerPrincipal, id: string): Promise<WebhookDeliveryView & { attemptLog: WebhookAttemptView[] }> {
    const row = await this.ownDelivery(p, id);
    const attempts = (await this.dataSource.query(
      `SELECT attempt_no, started_at, duration_ms, status_code, error FROM platform.webhook_attempt WHERE delivery_id = $1 ORDER BY id`,
      [id],
    )) as { attempt_no: number; started_at: Date; duration_ms: number; status_code: number | null; error: string | null }[];
    return {
      ...this.deliveryView(row),
      attemptLog: attempts.map((a) => ({
        attempt: a.attempt_no,
        startedAt: a.started_at.toISOString(),
        durationMs: a.duration_ms,
        statusCode: a.status_code,
        error: a.error,
      })),
    };
  }

  /** A failed or delivered delivery goes back to pending with a fresh attempt budget. */
  async redeliver(p: PartnerPrincipal, id: string): Promise<WebhookDeliveryView> {
    const current = await this.ownDelivery(p, id);
    if (current.status === 'pending')
      throw platformError('WEBHOOK_DELIVERY_IN_PROGRESS', {
        detail: `delivery ${id} is still pending (attempt ${current.attempts} of ${this.policy.maxAttempts})`,
      });
    await this.dataSource.transaction(async (em) => {
      const [, n] = (await em.query(
        `UPDATE platform.webhook_delivery d SET status = 'pending', attempts = 0, next_attempt_at = now(), completed_at = NULL, redeliveries = redeliveries + 1
          FROM platform.webhook_subscription s
          WHERE d.id = $1 AND d.partner_id = $2 AND d.status IN ('failed', 'delivered') AND s.id = d.subscription_id AND s.deleted_at IS NULL`,
        [id, p.id],
      )) as [unknown, number];
      if (n !== 1)
        throw platformError('CONFLICT', {
          detail: `delivery ${id} cannot be redelivered now (its subscription was deleted, or it is pending)`,
        });
      await this.audit.record(
        {
          actor: `partner:${p.id}`,
          action: 'webhook.redelivered',
          resource: `webhook-delivery:${id}`,
          outcome: 'success',
          detail: { previousStatus: current.status },
        },
        em,
      );
    });
    this.dispatcher.nudge();
    return this.deliveryView(await this.ownDelivery(p, id));
  }

  private async ownDelivery(p: PartnerPrincipal, id: string): Promise<DeliveryRow> {
    const [row] = (await this.dataSource.query(`${DELIVERY_SELECT} WHERE d.id = $1 AND d.partner_id = $2`, [id, p.id])) as DeliveryRow[];
    if (!row) throw platformError('WEBHOOK_DELIVERY_NOT_FOUND', { detail: `no delivery ${id}` });
    return row;
  }

  private deliveryView(r: DeliveryRow): WebhookDeliveryView {
    return {
      id: r.id,
      subscriptionId: r.subscription_id,
      eventId: r.event_id,
      eventType: r.event_type,
      subject: r.subject,
      itemCode: r.item_code,
      status: r.status,
      attempts: r.attempts,
      maxAttempts: this.policy.maxAttempts,
      nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
      lastStatusCode: r.last_status_code,
      lastError: r.last_error,
      redeliveries: r.redeliveries,
      createdAt: r.created_at.toISOString(),
      completedAt: r.completed_at?.toISOString() ?? null,
    };
  }
}
