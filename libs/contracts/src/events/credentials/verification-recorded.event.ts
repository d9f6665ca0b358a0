import { z } from 'zod';
import { defineEvent } from '../../event-type.js';

export const credentialVerifierSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('partner'),
    city: z.string().regex(/^\d{6}$/),
    id: z.string().min(1).max(64),
    name: z.string().max(100).optional(),
  }),
  z.object({ kind: z.literal('clerk'), city: z.string().regex(/^\d{6}$/), hall: z.string().max(64).optional(), role: z.string().max(20) }),
]);
export type CredentialVerifierRef = z.infer<typeof credentialVerifierSchema>;

export const verificationRecordedSchema = z.object({
  verificationId: z.uuid(),
  credentialId: z.uuid(),
  issuerCity: z.string().regex(/^\d{6}$/),
  presentationId: z.uuid().optional(),
  verifier: credentialVerifierSchema,
  purpose: z.string().max(200).optional(),
  verifiedAt: z.iso.datetime(),
  valid: z.boolean(),
  reasons: z.array(z.string().regex(/^[A-Z][A-Z_]*$/)).max(30),
});
export type VerificationRecorded = z.infer<typeof verificationRecordedSchema>;

/**
 * Addressed to the city that issued a credential: who verified it (a partner or a service hall of
 * the sending city), when, for what purpose and with which outcome, so the holder can see it in
 * their access log. Carries no holder data.
 */
export const VerificationRecordedV1 = defineEvent<VerificationRecorded>({
  type: 'gov.guangfo.credentials.verification-recorded.v1',
  audience: 'addressed',
  schema: verificationRecordedSchema,
  summary: 'A city tells the issuing city that one of its credentials was verified, by whom, when and with what outcome.',
  example: {
    verificationId: '5d0c2a8e-1f4b-4e7a-8c3d-9b6a5e4f3d21',
    credentialId: '0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a',
    issuerCity: '440100',
    presentationId: '7e1f2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
    verifier: { kind: 'partner', city: '440600', id: 'demo-bank-fs', name: '佛山示范银行' },
    purpose: '开立账户核验居住证',
    verifiedAt: '2026-11-27T09:00:00.000Z',
    valid: true,
    reasons: [],
  },
});
