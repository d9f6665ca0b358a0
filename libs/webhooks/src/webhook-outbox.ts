import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { prepared, runSql } from '@guangfo/platform';

/** One statement per domain event (prepared on each connection): the event row only if some subscription matches, and one delivery per match. */
const ENQUEUE = prepared(
  `WITH subs AS (
         SELECT id, partner_id FROM platform.webhook_subscription
          WHERE deleted_at IS NULL AND $2 = ANY (event_types) AND (item_codes IS NULL OR $4::text = ANY (item_codes))
       ), ev AS (
         INSERT INTO platform.webhook_event (id, event_type, subject, item_code, payload, occurred_at)
         SELECT $1, $2, $3, $4, $5::jsonb, $6 WHERE EXISTS (SELECT 1 FROM subs)
         RETURNING id
       )
       INSERT INTO platform.webhook_delivery (id, subscription_id, partner_id, event_id)
       SELECT gen_random_uuid(), subs.id, subs.partner_id, ev.id FROM subs CROSS JOIN ev
       RETURNING id`,
);

export const WEBHOOK_EVENT_TYPE_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/;
export const WEBHOOK_ITEM_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Payloads are notifications, not documents: keep them small (and free of personal data). */
export const WEBHOOK_MAX_PAYLOAD_BYTES = 16_384;

export interface WebhookEventDeclaration {
  /** `<domain>.<aggregate>.<what-happened>`, e.g. `affairs.case.status-changed`. */
  type: string;
  description: string;
}

export interface WebhookEnqueue {
  eventType: string;
  /** The aggregate id (opaque; never an ID number). */
  subject: string;
  /** Catalogue item, for subscriptions filtered by item code. */
  itemCode?: string;
  /** Minimal, masked JSON built by the domain (see docs/webhooks.md, "Personal data"). */
  payload: Record<string, unknown>;
  occurredAt?: Date;
}

/**
 * Domains enqueue partner notifications here, in the transaction that changes their state:
 * one delivery row per matching subscription. The WebhookDispatcher sends committed rows.
 */
@Injectable()
export class WebhookOutbox {
  private readonly types = new Map<string, WebhookEventDeclaration>();
  private readonly listeners: (() => void)[] = [];

  /** Declares a type partners may subscribe to. Idempotent; call it at start (onModuleInit). */
  declare(d: WebhookEventDeclaration): void {
    if (!WEBHOOK_EVENT_TYPE_PATTERN.test(d.type) || d.type.length > 128)
      throw new Error(`webhook event type ${d.type} must look like domain.aggregate.what-happened`);
    this.types.set(d.type, { type: d.type, description: d.description });
  }

  declared(): WebhookEventDeclaration[] {
    return [...this.types.values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  isDeclared(type: string): boolean {
    return this.types.has(type);
  }

  async enqueue(em: EntityManager, e: WebhookEnqueue): Promise<{ eventId: string; deliveries: number }> {
    if (!this.types.has(e.eventType))
      throw new Error(`webhook event type ${e.eventType} is not declared: call WebhookOutbox.declare() at start`);
    if (!e.subject || e.subject.length > 200) throw new Error('webhook subject must be 1..200 characters');
    if (e.itemCode !== undefined && !WEBHOOK_ITEM_CODE_PATTERN.test(e.itemCode))
      throw new Error(`webhook item code ${e.itemCode} is malformed`);
    if (typeof e.payload !== 'object' || e.payload === null || Array.isArray(e.payload))
      throw new Error('webhook payload must be a JSON object');
    const payload = JSON.stringify(e.payload);
    if (Buffer.byteLength(payload) > WEBHOOK_MAX_PAYLOAD_BYTES)
      throw new Error(`webhook payload over ${WEBHOOK_MAX_PAYLOAD_BYTES} bytes: send ids, not documents`);
    const eventId = randomUUID();
    const rows = (await runSql(em, ENQUEUE, [
      eventId,
      e.eventType,
      e.subject,
      e.itemCode ?? null,
      payload,
      (e.occurredAt ?? new Date()).toISOString(),
    ])) as { id: string }[];
    if (rows.length) for (const l of this.listeners) l();
    return { eventId, deliveries: rows.length };
  }

  /** The dispatcher subscribes to be nudged (it still polls: the nudge precedes the commit). */
  onEnqueued(listener: () => void): void {
    this.listeners.push(listener);
  }
}
