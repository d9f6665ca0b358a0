import type { EventContract } from '../../event-type.js';
import { CredentialStatusChangedV1 } from './credential-status-changed.event.js';
import { IssuerKeyChangedV1 } from './issuer-key-changed.event.js';
import { IssuingAuthoritiesChangedV1 } from './issuing-authorities-changed.event.js';
import { RegistryCheckpointV1 } from './registry-checkpoint.event.js';
import { VerificationRecordedV1 } from './verification-recorded.event.js';

export * from './registry-stream.schema.js';
export * from './issuer-key-changed.event.js';
export * from './issuing-authorities-changed.event.js';
export * from './credential-status-changed.event.js';
export * from './registry-checkpoint.event.js';
export * from './verification-recorded.event.js';

/** The event contracts of the credentials domain (listed in EVENT_CONTRACTS). */
export const CREDENTIALS_EVENT_CONTRACTS: readonly EventContract<any>[] = [
  IssuerKeyChangedV1,
  IssuingAuthoritiesChangedV1,
  CredentialStatusChangedV1,
  RegistryCheckpointV1,
  VerificationRecordedV1,
];
