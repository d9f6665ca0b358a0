// @guangfo/webhooks — partner webhooks: subscriptions, outbox, signed deliveries. The library's only barrel.
export * from './item-codes.js';
export { platformSealingMigration } from './migrations/1764633600000-platform-sealing.migration.js';
export {
  WebhookOutbox,
  WEBHOOK_EVENT_TYPE_PATTERN,
  WEBHOOK_ITEM_CODE_PATTERN,
  WEBHOOK_MAX_PAYLOAD_BYTES,
  WEBHOOK_PARAMS,
  webhookCtes,
  type WebhookEnqueue,
  type WebhookEventDeclaration,
} from './webhook-outbox.js';
export { generateWebhookSecret, signWebhookBody, verifyWebhookSignature, type WebhookVerification } from './webhook-signature.js';
export { WEBHOOK_POLICY, webhookPolicyFor, type WebhookPolicy } from './webhook.policy.js';
export { WebhookDispatcher } from './webhook.dispatcher.js';
export type {
  WebhookDeliveryStatus,
  WebhookDeliveryView,
  WebhookSubscriptionView,
  WebhookAttemptView,
} from './webhook-subscriptions.service.js';
export { WebhooksModule, type WebhooksOptions } from './webhooks.module.js';
