import { Controller, type Type } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import type { TransportMessage } from '../signed-event.js';
import { KafkaTransport } from './kafka.transport.js';
import { CITY_TRANSPORT } from './city-transport.js';
import { Inject } from '@nestjs/common';

const asString = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString('utf8') : v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** Builds the consumer controller for this city's topics (topic names are data, known at boot). */
export const createKafkaConsumerController = (topics: string[]): Type<unknown> => {
  @Controller()
  class KafkaConsumerController {
    constructor(@Inject(CITY_TRANSPORT) private readonly transport: KafkaTransport) {}

    @EventPattern(topics)
    async onMessage(@Ctx() ctx: KafkaContext): Promise<void> {
      const raw = ctx.getMessage();
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw.headers ?? {})) headers[k] = asString(v);
      const message: TransportMessage = { key: asString(raw.key), headers, value: asString(raw.value) };
      await this.transport.handleInbound(message, ctx.getTopic());
    }
  }
  return KafkaConsumerController;
};
