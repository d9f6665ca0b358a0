import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { prepared, runSql } from '@guangfo/platform';

/**
 * A domain event's webhook rows: the event row only if some subscription matches, and one delivery per match. As CTEs
 * (`<name>_subs`, `<name>_event`, `<name>` = the deliveries) of a hot path's write statement, parameters numbered from
 * `first` (`WebhookOutbox.stage`'s `params`, in order); or as a statement of its own (`enqueue`).
 */
export const webhookCtes = (name: string, first: number): string => {
  const $ = (i: number) => `$${first + i}`;
  return `${name}_subs AS (
         SELECT id, partner_id FROM platform.webhook_subscription
          WHERE deleted_at IS NULL AND ${$(1)}::text = ANY (event_types) AND (item_codes IS NULL OR ${$(3)}::text = ANY (item_codes))
       ), ${name}_event AS (
         INSERT INTO platform.webhook_event (id, event_type, subject, item_code, payload, occurred_at)
         SELECT ${$(0)}::uuid, ${$(1)}::text, ${$(2)}::text, ${$(3)}::text, ${$(4)}::jsonb, ${$(5)}::timestamptz WHERE EXISTS (SELECT 1 FROM ${name}_subs)
         RETURNING id
       ), ${name} AS (
         INSERT INTO platform.webhook_delivery (id, subscription_id, partner_id, event_id)
         SELECT gen_random_uuid(), s.id, s.partner_id, e.id FROM ${name}_subs s CROSS JOIN ${name}_event e
         RETURNING id
       )`;
};
/** How many parameters `webhookCtes` takes. */
export const WEBHOOK_PARAMS = 6;
/** One statement per domain event (prepared on each connection). */
const ENQUEUE = prepared(`WITH ${webhookCtes('deliveries', 1)} SELECT id FROM deliveries`);

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
    const staged = this.stage(e);
    const rows = (await runSql(em, ENQUEUE, staged.params)) as { id: string }[];
    this.enqueued(rows.length);
    return { eventId: staged.eventId, deliveries: rows.length };
  }

  /**
   * Everything `enqueue` does but the write: the checks and the row's values, for a hot path whose own write statement
   * carries them (`webhookCtes`); it calls {@link enqueued} with the number of deliveries written once that statement ran.
   */
  stage(e: WebhookEnqueue): { eventId: string; params: readonly unknown[] } {
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
    return {
      eventId,
      params: [eventId, e.eventType, e.subject, e.itemCode ?? null, payload, (e.occurredAt ?? new Date()).toISOString()],
    };
  }

  /** Deliveries were written (by `enqueue`, or by a statement that carried staged rows): nudges the dispatcher. */
  enqueued(deliveries: number): void {
    if (deliveries > 0) for (const l of this.listeners) l();
  }

  /** The dispatcher subscribes to be nudged (it still polls: the nudge precedes the commit). */
  onEnqueued(listener: () => void): void {
    this.listeners.push(listener);
  }
}
