import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DeadLetterController } from './dead-letter.controller.js';
import { DeadLetterService } from './dead-letter.service.js';
import { EventHandlerExplorer } from './event-handler.explorer.js';
import { EventHandlerRegistry } from './event-handler.registry.js';
import { EventReceiver } from './event-receiver.js';
import { EventSigner } from './event-signer.js';
import { OutboxRelay } from './outbox.relay.js';
import { OutboxService } from './outbox.service.js';
import { TransportLifecycle } from './transport.lifecycle.js';
import { TransportMetrics } from './transport.metrics.js';
import { CITY_TRANSPORT, type CityTransport } from './transports/city-transport.js';

export interface MessagingOptions {
  transport: CityTransport;
  /** The platform module (NODE_CONFIG, CityRegistry, AuditService, MetricsService, Sealer…). */
  imports: ModuleMetadata['imports'];
}

/**
 * Cross-city messaging of one node: the outbox and its relay, the receiver with its inbox, dead
 * letters, the transport, and the `@HandlesEvent` handlers discovered at boot in every module.
 * Exports OutboxService (domains write events in their transaction) and the handler registry.
 */
@Module({})
export class MessagingModule {
  static forNode(o: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      imports: [...(o.imports ?? []), DiscoveryModule],
      controllers: [DeadLetterController],
      providers: [
        { provide: CITY_TRANSPORT, useValue: o.transport },
        EventSigner,
        EventHandlerRegistry,
        EventHandlerExplorer,
        OutboxService,
        OutboxRelay,
        EventReceiver,
        TransportLifecycle,
        TransportMetrics,
        DeadLetterService,
      ],
      exports: [CITY_TRANSPORT, EventHandlerRegistry, OutboxService, EventSigner],
    };
  }
}
