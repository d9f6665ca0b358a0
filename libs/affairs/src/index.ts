// @guangfo/affairs — 跨城通办: a case filed in one city and handled in the other. The library's only barrel.
export * from './affairs.module.js';
export * from './affairs.errors.js';
export * from './application/affairs.tokens.js';
export * from './infrastructure/applicant-id.seal.js';
export * from './application/case.views.js';
export { CaseResult, parseIfMatch, type CaseOutcome } from './application/case-result.js';
export * from './application/case-query.service.js';
export * from './domain/case.aggregate.js';
export * from './domain/case-deadline.js';
export * from './domain/case-replica.js';
export * from './domain/working-days.js';
export * from './infrastructure/migrations/1764547200000-affairs-init.migration.js';
export { AffairsIdempotency1796342400001 } from './infrastructure/migrations/1796342400001-affairs-idempotency.migration.js';
export * from './infrastructure/migrations/1796169600000-affairs-follow-up.migration.js';
export { affairsSealingMigration } from './infrastructure/migrations/1764633600001-affairs-sealing.migration.js';
