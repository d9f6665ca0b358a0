// @guangfo/kernel — pure building blocks shared by every library: no Nest, no database, no I/O.
// One way per concern: identifiers, time (Clock, Shanghai civil dates), canonical JSON, page
// cursors, retry backoff, masking of personal data. The library's only barrel.
export * from './identifiers/region-code.js';
export * from './identifiers/resident-id.js';
export * from './identifiers/social-credit-code.js';
export * from './time/clock.js';
export * from './time/shanghai-date.js';
export * from './json/canonical-json.js';
export * from './cursor/cursor-codec.js';
export * from './cursor/cursor-shape.js';
export * from './retry/backoff.js';
export * from './masking/masking.js';
export { sha256Hex } from './digest.js';
