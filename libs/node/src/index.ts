// The composition of a city node (every domain in one process), its start-up checks and the embedded transport between node processes; used by apps/city-node and apps/sandbox.
export * from './city-node.composition.js';
export * from './signing-key.check.js';
export * from './city-node.module.js';
export * from './city-node.app.js';
export * from './embedded-http.transport.js';
