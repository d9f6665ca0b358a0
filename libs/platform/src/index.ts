// @guangfo/platform — the shared machinery of a city node. The library's only barrel.
export * from './auth/public.decorator.js';
export * from './auth/access.decorator.js';
export * from './auth/principal.js';
export * from './auth/api-key.hash.js';
export * from './auth/demo-identity.js';
export * from './audit/audit.service.js';
export * from './audit/audit-chain.js';
export { AuditChainer, AUDIT_CHAINER_OPTIONS, type AuditChainerOptions } from './audit/audit-chainer.js';
export * from './cities/city-registry.js';
export * from './config/node-config.js';
export * from './config/node-config.token.js';
export * from './config/secret.js';
export * from './database/data-source.options.js';
export * from './database/migration.runner.js';
export * from './database/migrations/1764201600000-platform-init.migration.js';
export * from './database/migrations/1764288000000-webhooks-files.migration.js';
export * from './database/migrations/1764806400000-api-key-issuing-body.migration.js';
export * from './database/migrations/1796256000000-partner-case-grants.migration.js';
export * from './database/migrations/1796342400000-idempotency-keys.migration.js';
export {
  insertPart,
  type InsertPart,
  isUniqueViolation,
  prepared,
  type PreparedSql,
  queryRows,
  queryRow,
  rowsOf,
  runSql,
  type Sql,
  sqlText,
  type SqlRunner,
} from './database/query-rows.js';
export {
  Idempotency,
  IDEMPOTENCY_KEY_PATTERN,
  IDEMPOTENCY_KEY_RULE,
  IDEMPOTENT_REPLAY_STATUS,
  type IdempotencyClaim,
  type IdempotencyErrors,
} from './idempotency/idempotency.js';
export * from './database/migrations/1796342400000-worker-leases.migration.js';
export * from './database/migrations/1796428800000-audit-background-chain.migration.js';
export * from './auth/partner-grants.service.js';
export * from './auth/api-key.service.js';
export { resealColumn, type ResealKeys, type ResealColumn, type MigrationClass } from './database/reseal.js';
export * from './database/migrations/1764892800000-peer-calendar.migration.js';
export * from './errors/define-errors.js';
export * from './errors/domain-error.js';
export * from './errors/platform-errors.js';
export * from './errors/problem.js';
export * from './errors/problem.filter.js';
export * from './errors/validation.pipe.js';
export { IsCivilDate } from './http/dto-validators.js';
export { LeaseWorker, type Lease, type LeaseTable, type LeaseWorkerOptions } from './workers/lease-worker.js';
export { ScheduledJob, type ScheduledJobOptions } from './workers/scheduled-job.js';
export * from './observability/correlation.js';
export * from './observability/metrics.service.js';
export { PlatformModule, type PlatformOptions } from './platform.module.js';
export { finishOpenApiDocument, locationMiddleware } from './http/openapi.js';
export { PREFERENCE_APPLIED, prefersMinimal } from './http/prefer.js';
export { answerWithVersion, parseIfMatch, requireVersion } from './http/if-match.js';
export { BufferReplyExpressAdapter } from './http/buffer-reply.adapter.js';
export { correlationMiddleware } from './observability/correlation.middleware.js';
export { createNodeLogging } from './observability/logging.js';
export { inputGuardMiddleware } from './errors/input-guard.js';
export { DENY_PRIVATE, isLoopbackHost, refusalFor, refusalForHost, type OutboundPolicy } from './outbound/outbound-policy.js';
export { outboundRequest } from './outbound/outbound-request.js';
export { CommitNotifier } from './database/commit-notifier.js';
export * from './database/migrations/1796515200000-dead-letter-raw-text.migration.js';
export * from './database/migrations/1796601600000-dead-letter-raw-bytes.migration.js';
export * from './database/migrations/1797206400000-file-blob-csv.migration.js';
