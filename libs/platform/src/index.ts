// @guangfo/platform — the shared machinery of a city node. The library's only barrel.
export * from './auth/public.decorator.js';
export * from './auth/access.decorator.js';
export * from './auth/principal.js';
export * from './auth/api-key.hash.js';
export * from './auth/demo-identity.js';
export * from './audit/audit.service.js';
export * from './audit/audit-chain.js';
export * from './cities/city-registry.js';
export * from './cities/node-identity.js';
export * from './config/node-config.js';
export * from './config/node-config.token.js';
export * from './config/secret.js';
export * from './database/data-source.options.js';
export * from './database/migration.runner.js';
export * from './database/migrations/1764201600000-platform-init.migration.js';
export * from './database/migrations/1764288000000-webhooks-files.migration.js';
export * from './database/migrations/1764806400000-api-key-issuing-body.migration.js';
export * from './database/migrations/1796256000000-partner-case-grants.migration.js';
export * from './auth/partner-grants.service.js';
export * from './auth/api-key.service.js';
export * from './cities/item-codes.js';
export { platformSealingMigration } from './database/migrations/1764633600000-platform-sealing.migration.js';
export { resealColumn, type ResealKeys, type ResealColumn, type MigrationClass } from './database/reseal.js';
export * from './database/migrations/1764892800000-peer-calendar.migration.js';
export * from './errors/domain-error.js';
export * from './errors/platform-errors.js';
export * from './errors/problem.js';
export * from './errors/problem.filter.js';
export * from './messaging/event-handler.registry.js';
export * from './messaging/event-receiver.js';
export * from './messaging/event-signer.js';
export * from './messaging/outbox.service.js';
export * from './messaging/outbox.relay.js';
export * from './messaging/signed-event.js';
export * from './messaging/personal-data.seal.js';
export { sm3, sm3Bytes, SM3_DIGEST_LENGTH, type Sm3Input } from './crypto/sm3.js';
export {
  SM2_DEFAULT_USER_ID, SM2_CURVE_OID, EC_PUBLIC_KEY_OID, SM2_CURVE,
  sm2Sign, sm2Verify, Sm2Signer,
  generateSm2KeyPair, normalizeSm2PrivateKey, normalizeSm2PublicKey, sm2PublicKeyFromPrivateKey, sm2KeyId,
  sm2PublicKeyToPem, sm2PublicKeyFromPem, sm2PrivateKeyToPem, sm2PrivateKeyFromPem,
  sm2SignatureToDer, sm2SignatureToRaw, sm2Za, sm2MessageDigest,
  type Sm2KeyPair, type Sm2Options, type Sm2SignOptions, type Sm2Message, type Sm2SignatureInput,
} from './crypto/sm2.signer.js';
export * from './identifiers/resident-id.js';
export * from './identifiers/social-credit-code.js';
export * from './identifiers/region-code.js';
export * from './messaging/transports/city-transport.js';
export * from './messaging/transports/embedded.transport.js';
export * from './messaging/transports/kafka.transport.js';
export * from './node/platform.module.js';
export * from './node/city-node.app.js';
export * from './observability/correlation.js';
export * from './observability/metrics.service.js';
export { WebhookOutbox, WEBHOOK_EVENT_TYPE_PATTERN, WEBHOOK_ITEM_CODE_PATTERN, WEBHOOK_MAX_PAYLOAD_BYTES, type WebhookEnqueue, type WebhookEventDeclaration } from './webhooks/webhook-outbox.js';
export { generateWebhookSecret, signWebhookBody, verifyWebhookSignature, type WebhookVerification } from './webhooks/webhook-signature.js';
export { WEBHOOK_POLICY, webhookPolicyFor, type WebhookPolicy } from './webhooks/webhook.policy.js';
export { WebhookDispatcher } from './webhooks/webhook.dispatcher.js';
export type { WebhookDeliveryStatus, WebhookDeliveryView, WebhookSubscriptionView, WebhookAttemptView } from './webhooks/webhook-subscriptions.service.js';
export { canonicalJson, sha256Hex } from './crypto/digest.js';
export { sm2Encrypt, sm2Decrypt, sm2CiphertextToDer, sm2CiphertextFromDer } from './crypto/sm2.encryption.js';
export { Sealer, SealingError, parseSealingKeys, generateSealingKey, SEALING_KEY_ID_PATTERN, type SealingKey } from './crypto/sealing.js';
export { FileStore, type FileRef, type StoredFile, type PutFile } from './files/file-store.js';
export { FileInterchange, assertFileRef, INTERCHANGE_FILES_PATH, type FetchOptions } from './files/file-interchange.js';
export { FileReplicator, type ReplicationRequest, type ReplicationStatus, type ReplicatedListener } from './files/file-replicator.js';
export { FILES_POLICY, filesPolicyFor, type FilesPolicy } from './files/files.policy.js';
export { ALLOWED_MEDIA_TYPES, FILE_MAX_BYTES, checkMediaType, detectMediaType, isAllowedMediaType, type AllowedMediaType } from './files/media-type.js';
export {
  INTERCHANGE_HEADERS, INTERCHANGE_MAX_SKEW_MS, interchangeSigningString, signInterchangeRequest, verifyInterchangeSignature,
  authenticateInterchangeRequest, MemoryNonceStore, type NonceStore, type InterchangeVerdict, type InterchangeSignRequest,
} from './files/interchange-signature.js';
