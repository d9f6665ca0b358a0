// @guangfo/credentials — 电子证照互认. The library's only barrel.
export * from './credentials.module.js';
export * from './credentials.config.js';
export * from './credentials.errors.js';
export * from './credential.verifier.js';
export * from './credential-verification.js';
export * from './credential.document.js';
export * from './credential-number.js';
export * from './freshness.js';
export * from './holder-code.js';
export * from './presentation.token.js';
export * from './registry.stream.js';
export * from './key-encryption.js';
export { CredentialsInit1764374400000 } from './migrations/1764374400000-credentials-init.migration.js';
export { IssuingAuthorities1764806460000 } from './migrations/1764806460000-issuing-authorities.migration.js';
export { CredentialsIdempotency1796342400002 } from './migrations/1796342400002-credentials-idempotency.migration.js';
export * from './issuing-authorities.js';
export { credentialsSealingMigration } from './migrations/1764633600002-credentials-sealing.migration.js';
