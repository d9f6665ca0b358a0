import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import { EventHandlerRegistry, type ReceivedEvent } from './event-handler.registry.js';
import { HANDLES_EVENT, type HandlesEventMetadata } from './handles-event.decorator.js';

/**
 * Finds every `@HandlesEvent` method of every provider (all modules) at module init and
 * registers it. Module init completes for the whole application before any
 * `onApplicationBootstrap`, where `TransportLifecycle` starts consuming: no event arrives
 * before its handlers are registered.
 */
@Injectable()
export class EventHandlerExplorer implements OnModuleInit {
  private readonly logger = new Logger(EventHandlerExplorer.name);

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly registry: EventHandlerRegistry,
  ) {}

  onModuleInit(): void {
    const seen = new Set<object>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || seen.has(instance) || !wrapper.isDependencyTreeStatic()) continue;
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[name] as (event: ReceivedEvent, em: EntityManager) => Promise<void>;
        const meta = this.reflector.get<HandlesEventMetadata | undefined>(HANDLES_EVENT, method);
        if (!meta) continue;
        this.registry.register({ consumer: meta.consumer, types: meta.types, handle: (event, em) => method.call(instance, event, em) });
        this.logger.debug(
          { consumer: meta.consumer, types: meta.types, handler: `${prototype.constructor.name}.${name}` },
          'event handler registered',
        );
      }
    }
  }
}
