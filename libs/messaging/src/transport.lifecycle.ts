import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventReceiver } from './event-receiver.js';
import { CITY_TRANSPORT, type CityTransport } from './transports/city-transport.js';

/** Connects the transport to the receiver at start, and disconnects it at shutdown. */
@Injectable()
export class TransportLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(CITY_TRANSPORT) private readonly transport: CityTransport,
    private readonly receiver: EventReceiver,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.transport.start(
      (message) => this.receiver.receive(message),
      (messages) => this.receiver.receiveBatch(messages),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.stop();
  }
}
