// @guangfo/credentials — 电子证照互认. The library's only barrel.
export * from './credentials.module.js';
export * from './infrastructure/credentials.config.js';
export * from './credentials.errors.js';
export * from './application/credential.verifier.js';
export * from './domain/credential-verification.js';
export * from './domain/credential.document.js';
export * from './domain/credential-number.js';
export * from './domain/freshness.js';
export * from './domain/holder-code.js';
export * from './domain/presentation.token.js';
export * from './domain/registry.stream.js';
export * from './infrastructure/key-encryption.js';
export { CredentialsInit1764374400000 } from './infrastructure/migrations/1764374400000-credentials-init.migration.js';
export { IssuingAuthorities1764806460000 } from './infrastructure/migrations/1764806460000-issuing-authorities.migration.js';
export { CredentialsIdempotency1796342400002 } from './infrastructure/migrations/1796342400002-credentials-idempotency.migration.js';
export * from './domain/issuing-authorities.js';
export { credentialsSealingMigration } from './infrastructure/migrations/1764633600002-credentials-sealing.migration.js';
