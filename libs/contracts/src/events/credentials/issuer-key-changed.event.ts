import { z } from 'zod';
import { defineEvent } from '../../event-type.js';
import { credentialTypeCodeOfEventSchema, issuerKeyIdSchema, registryStreamFields } from './registry-stream.schema.js';

export const ISSUER_KEY_STATUSES = ['active', 'rotated', 'retired'] as const;
export type IssuerKeyStatus = (typeof ISSUER_KEY_STATUSES)[number];

export const issuerKeyChangedSchema = z.object({
  ...registryStreamFields,
  keyId: issuerKeyIdSchema,
  algorithm: z.literal('SM2-SM3'),
  /** Uncompressed SM2 public key `04||x||y`, hex. */
  publicKey: z.string().regex(/^04[0-9a-f]{128}$/),
  /** Credential types this key may sign (the issuing city's trust list for the key). */
  credentialTypes: z.array(credentialTypeCodeOfEventSchema).min(1).max(200),
  /** active: signs and verifies; rotated: verifies what it signed, signs nothing new; retired: verifies nothing. */
  status: z.enum(ISSUER_KEY_STATUSES),
  publishedAt: z.iso.datetime(),
});
export type IssuerKeyChanged = z.infer<typeof issuerKeyChangedSchema>;

/**
 * An issuing city publishes, rotates or retires a credential-signing key. Each event carries the
 * key's whole public record, so a receiver can apply it in any order (newest sequence wins).
 */
export const IssuerKeyChangedV1 = defineEvent<IssuerKeyChanged>({
  type: 'gov.guangfo.credentials.issuer-key-changed.v1',
  audience: 'broadcast',
  schema: issuerKeyChangedSchema,
  summary: 'An issuing city publishes, rotates or retires an SM2 credential-signing key (public record only).',
  example: {
    issuerCity: '440100',
    sequence: 1,
    occurredAt: '2026-11-27T08:00:00.000Z',
    keyId: '440100-3f9a0c1d2e4b5a69',
    algorithm: 'SM2-SM3',
    publicKey: `04${'a1'.repeat(64)}`,
    credentialTypes: ['RESIDENCE_PERMIT', 'BUSINESS_LICENSE'],
    status: 'active',
    publishedAt: '2026-11-27T08:00:00.000Z',
  },
});
