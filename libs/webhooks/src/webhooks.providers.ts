import type { Provider, Type } from '@nestjs/common';
import { NODE_CONFIG, type NodeConfig } from '@guangfo/platform';
import { WebhookOutbox } from './webhook-outbox.js';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service.js';
import { WebhookDispatcher } from './webhook.dispatcher.js';
import { WEBHOOK_POLICY, webhookPolicyFor } from './webhook.policy.js';
import { WebhooksController } from './webhooks.controller.js';

/** What WebhooksModule registers for partner webhooks. */
export const WEBHOOK_CONTROLLERS: Type<unknown>[] = [WebhooksController];
export const WEBHOOK_PROVIDERS: Provider[] = [
  { provide: WEBHOOK_POLICY, inject: [NODE_CONFIG], useFactory: (c: NodeConfig) => webhookPolicyFor(c) },
  WebhookOutbox,
  WebhookDispatcher,
  WebhookSubscriptionsService,
];
/** Injectable by domain modules. */
export const WEBHOOK_EXPORTS = [WebhookOutbox, WEBHOOK_POLICY];
