import { z } from 'zod';
import { defineEvent } from '../../event-type.js';
import { credentialTypeCodeOfEventSchema, registryStreamFields } from './registry-stream.schema.js';

export const issuingAuthoritiesChangedSchema = z.object({
  ...registryStreamFields,
  /** The issuing city's whole list (it replaces the previous one): each body and the credential types it may issue. */
  bodies: z
    .array(
      z.object({
        /** 统一社会信用代码 of the body. */
        code: z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/),
        name: z.string().min(1).max(100),
        credentialTypes: z.array(credentialTypeCodeOfEventSchema).min(1).max(200),
      }),
    )
    .max(500),
});
export type IssuingAuthoritiesChanged = z.infer<typeof issuingAuthoritiesChangedSchema>;

/**
 * An issuing city publishes which bodies (发证机关) may issue which credential types. Verifiers in
 * every city reject a credential whose issuer is not on the issuing city's list for its type
 * (ISSUER_NOT_AUTHORISED). Public register data: no personal data.
 */
export const IssuingAuthoritiesChangedV1 = defineEvent<IssuingAuthoritiesChanged>({
  type: 'gov.guangfo.credentials.issuing-authorities-changed.v1',
  audience: 'broadcast',
  schema: issuingAuthoritiesChangedSchema,
  summary: 'An issuing city publishes its list of bodies allowed to issue each credential type (replaces the previous list).',
  example: {
    issuerCity: '440100',
    sequence: 1,
    occurredAt: '2026-11-27T08:00:00.000Z',
    bodies: [{ code: '114401000075020016', name: '广州市公安局', credentialTypes: ['HOUSEHOLD_REGISTER', 'RESIDENCE_PERMIT'] }],
  },
});
