export * from './topics.js';
export * from './event-type.js';
export * from './event-registry.js';
export * from './events/node-announced.event.js';
export * from './events/affairs/index.js';
export * from './events/credentials/index.js';
export * from './events/medical/index.js';
export * from './asyncapi.js';
