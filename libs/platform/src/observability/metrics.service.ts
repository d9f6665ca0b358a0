import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { NODE_CONFIG } from '../config/node-config.token.js';
import type { NodeConfig } from '../config/node-config.js';

/** One Prometheus registry per city node (the sandbox runs two nodes in one process). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly eventsPublished: Counter<'type' | 'transport'>;
  readonly eventsReceived: Counter<'type' | 'outcome'>;
  readonly deadLetters: Counter<'reason'>;
  readonly deadLetterStoreFailures: Counter<'reason'>;

  constructor(@Inject(NODE_CONFIG) config: NodeConfig) {
    this.registry.setDefaultLabels({ city: config.cityCode });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.httpRequests = new Counter({
      name: 'guangfo_http_requests_total',
      help: 'HTTP requests',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'guangfo_http_request_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      registers,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    });
    this.eventsPublished = new Counter({
      name: 'guangfo_events_published_total',
      help: 'Events handed to the transport',
      labelNames: ['type', 'transport'],
      registers,
    });
    this.eventsReceived = new Counter({
      name: 'guangfo_events_received_total',
      help: 'Events received, by outcome',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'guangfo_dead_letters_total',
      help: 'Events dead-lettered, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.deadLetterStoreFailures = new Counter({
      name: 'guangfo_dead_letter_store_failures_total',
      help: 'Dead letters the store could not keep (alert): on Kafka the dead-letter topic then holds the only copy',
      labelNames: ['reason'],
      registers,
    });
  }
}
