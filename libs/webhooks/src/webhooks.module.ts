import { type DynamicModule, Module, type ModuleMetadata, type Provider } from '@nestjs/common';
import { WEBHOOK_CONTROLLERS, WEBHOOK_EXPORTS, WEBHOOK_PROVIDERS } from './webhooks.providers.js';

export interface WebhooksOptions {
  /** The platform module, and whatever `itemCodes` reads (the catalogue). */
  imports: ModuleMetadata['imports'];
  /** Provides ITEM_CODES (checks partner-given item codes): the composition root supplies it. */
  itemCodes: Provider;
}

/** Partner webhooks: subscriptions, the webhook outbox and its signed, retried deliveries. */
@Module({})
export class WebhooksModule {
  static forNode(o: WebhooksOptions): DynamicModule {
    return {
      module: WebhooksModule,
      imports: o.imports ?? [],
      controllers: WEBHOOK_CONTROLLERS,
      providers: [o.itemCodes, ...WEBHOOK_PROVIDERS],
      exports: WEBHOOK_EXPORTS,
    };
  }
}
