import { z } from 'zod';
import { defineEvent } from '../../event-type.js';
import { ISSUER_KEY_STATUSES } from './issuer-key-changed.event.js';
import { issuerKeyIdSchema } from './registry-stream.schema.js';

export const registryCheckpointSchema = z.object({
  issuerCity: z.string().regex(/^\d{6}$/),
  /** The newest sequence of the issuer's registry stream when the checkpoint was taken (0: none yet). */
  sequence: z.number().int().nonnegative(),
  occurredAt: z.iso.datetime(),
  /** Every key of the issuer with its status, for reconciliation. */
  keys: z.array(z.object({ keyId: issuerKeyIdSchema, status: z.enum(ISSUER_KEY_STATUSES) })).max(100),
});
export type RegistryCheckpoint = z.infer<typeof registryCheckpointSchema>;

/**
 * Status heartbeat: "as of occurredAt, my registry stream ends at sequence N". A receiver that has
 * applied the stream up to N knows the issuer's key and credential status as of that time; this is
 * what the freshness window (CREDENTIAL_STATUS_MAX_AGE_SECONDS) is measured against.
 */
export const RegistryCheckpointV1 = defineEvent<RegistryCheckpoint>({
  type: 'gov.guangfo.credentials.registry-checkpoint.v1',
  audience: 'broadcast',
  schema: registryCheckpointSchema,
  summary: 'Status heartbeat of an issuing city: its credential registry stream ends at sequence N as of a time.',
  example: {
    issuerCity: '440100',
    sequence: 7,
    occurredAt: '2026-11-27T10:00:00.000Z',
    keys: [{ keyId: '440100-3f9a0c1d2e4b5a69', status: 'active' }],
  },
});
