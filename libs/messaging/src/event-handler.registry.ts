import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SignedEvent } from './signed-event.js';

export interface ReceivedEvent<T = unknown> extends SignedEvent<T> {
  /** The sending city, proven by its signature. */
  fromCity: string;
}

/**
 * A consumer of one or more event types. `handle` runs inside the transaction that also
 * records the (event id, consumer) inbox row, so a redelivered event has no second effect.
 */
export interface CrossCityEventHandler<T = any> {
  readonly consumer: string;
  readonly types: readonly string[];
  handle(event: ReceivedEvent<T>, em: EntityManager): Promise<void>;
}

@Injectable()
export class EventHandlerRegistry {
  private readonly handlers = new Map<string, CrossCityEventHandler[]>();

  register(handler: CrossCityEventHandler): void {
    for (const type of handler.types) {
      const list = this.handlers.get(type) ?? [];
      if (list.some((h) => h.consumer === handler.consumer)) throw new Error(`consumer ${handler.consumer} registered twice for ${type}`);
      this.handlers.set(type, [...list, handler]);
    }
  }

  for(type: string): readonly CrossCityEventHandler[] {
    return this.handlers.get(type) ?? [];
  }
}
