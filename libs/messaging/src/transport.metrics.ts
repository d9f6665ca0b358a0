import { Inject, Injectable } from '@nestjs/common';
import { MetricsService } from '@guangfo/platform';
import { Gauge } from 'prom-client';
import { CITY_TRANSPORT, type CityTransport } from './transports/city-transport.js';
import { KafkaTransport } from './transports/kafka.transport.js';

/** The transport's own metrics, read at scrape time: on Kafka, consumer lag per topic and partition. */
@Injectable()
export class TransportMetrics {
  constructor(@Inject(CITY_TRANSPORT) transport: CityTransport, metrics: MetricsService) {
    if (!(transport instanceof KafkaTransport)) return;
    new Gauge({
      name: 'guangfo_consumer_lag',
      help: 'Messages behind the high watermark, per topic and partition, after the last batch consumed',
      labelNames: ['topic', 'partition'],
      registers: [metrics.registry],
      collect() {
        this.reset();
        for (const l of transport.consumerLag()) this.set({ topic: l.topic, partition: String(l.partition) }, l.lag);
      },
    });
  }
}
