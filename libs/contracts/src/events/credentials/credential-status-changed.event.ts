import { z } from 'zod';
import { defineEvent } from '../../event-type.js';
import { credentialTypeCodeOfEventSchema, registryStreamFields } from './registry-stream.schema.js';

/** Broadcast reason codes: coarse on purpose (free-text reasons stay in the issuing city). */
export const CREDENTIAL_STATUS_REASON_CODES = [
  'ISSUED_IN_ERROR',
  'SUPERSEDED',
  'CANCELLED',
  'WITHDRAWN',
  'UNDER_REVIEW',
  'REPORTED_LOST',
  'REINSTATED',
  'OTHER',
] as const;
export type CredentialStatusReasonCode = (typeof CREDENTIAL_STATUS_REASON_CODES)[number];

export const credentialStatusChangedSchema = z.object({
  ...registryStreamFields,
  credentialId: z.uuid(),
  credentialType: credentialTypeCodeOfEventSchema,
  /** valid = reinstated after a suspension. */
  status: z.enum(['valid', 'suspended', 'revoked']),
  reasonCode: z.enum(CREDENTIAL_STATUS_REASON_CODES),
});
export type CredentialStatusChanged = z.infer<typeof credentialStatusChangedSchema>;

/**
 * A credential was suspended, reinstated or revoked by the city that issued it. Public data only:
 * the credential id and type, never its holder.
 */
export const CredentialStatusChangedV1 = defineEvent<CredentialStatusChanged>({
  type: 'gov.guangfo.credentials.credential-status-changed.v1',
  audience: 'broadcast',
  schema: credentialStatusChangedSchema,
  summary: 'An issuing city suspends, reinstates or revokes a credential (id, type and reason code only; no holder data).',
  example: {
    issuerCity: '440100',
    sequence: 7,
    occurredAt: '2026-11-27T09:30:00.000Z',
    credentialId: '0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a',
    credentialType: 'RESIDENCE_PERMIT',
    status: 'revoked',
    reasonCode: 'WITHDRAWN',
  },
});
