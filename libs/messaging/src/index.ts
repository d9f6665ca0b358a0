// @guangfo/messaging — outbox, relay, receiver + inbox, dead letters, transports, handler discovery. The library's only barrel.
export * from './event-handler.registry.js';
export * from './handles-event.decorator.js';
export * from './event-receiver.js';
export * from './event-signer.js';
export * from './outbox.service.js';
export * from './outbox.relay.js';
export * from './signed-event.js';
export * from './personal-data.seal.js';
export * from './transports/city-transport.js';
export * from './transports/embedded.transport.js';
export * from './transports/http-exchange.js';
export * from './transports/kafka.transport.js';
export { MessagingModule, type MessagingOptions } from './messaging.module.js';
