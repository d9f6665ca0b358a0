export * from './case-common.schema.js';
export * from './case.events.js';
