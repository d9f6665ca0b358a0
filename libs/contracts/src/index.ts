export * from './topics.js';
export * from './event-type.js';
export * from './event-registry.js';
export * from './events/node-announced.event.js';
export * from './asyncapi.js';
