import { type DynamicModule, Module, type ModuleMetadata, type Provider } from '@nestjs/common';
import { AnnouncementService } from './announcement.service.js';
import { CitiesController } from './cities.controller.js';
import { CitiesService } from './cities.service.js';
import { DbNonceStore } from './interchange/interchange-nonce.store.js';
import { InterchangeEventsController } from './interchange/interchange-events.controller.js';
import { InterchangeSignatureGuard } from './interchange/interchange.guard.js';

export interface FederationOptions {
  /** The platform and messaging modules, and whatever `identity` reads (the catalogue). */
  imports: ModuleMetadata['imports'];
  /** Provides NODE_IDENTITY (catalogue version, calendar, domains): the composition root supplies it. */
  identity: Provider;
  /**
   * Take event deliveries from peer nodes over signed HTTP (`POST /api/v1/interchange/events`):
   * only for the embedded transport (the composition sets it from the transport's kind), never with Kafka.
   */
  acceptEventDeliveries?: boolean;
}

/** Announcements between city nodes, the cities view (`GET /api/v1/cities`) and, on the embedded transport, the delivery endpoint. */
@Module({})
export class FederationModule {
  static forNode(o: FederationOptions): DynamicModule {
    const deliveries = o.acceptEventDeliveries === true;
    return {
      module: FederationModule,
      imports: o.imports ?? [],
      controllers: [CitiesController, ...(deliveries ? [InterchangeEventsController] : [])],
      providers: [o.identity, AnnouncementService, CitiesService, ...(deliveries ? [DbNonceStore, InterchangeSignatureGuard] : [])],
      exports: [AnnouncementService],
    };
  }
}
