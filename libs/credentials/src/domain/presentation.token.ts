import { sm2Verify } from '@guangfo/gm-crypto';
import { jcsCanonicalJson } from '@guangfo/kernel';
import { z } from 'zod';
import {
  type CredentialSigningKey,
  ISSUER_KEY_ID_PATTERN,
  SIGNATURE_ALGORITHM,
  type SignedCredential,
  signedCredentialSchema,
} from './credential.document.js';

export const PRESENTATION_FORMAT = 'guangfo.presentation.v1';
/** Prefix of the QR code payload; the rest is the token. */
export const QR_PREFIX = 'GFTB-VP1:';

/** Who may use a presentation: one partner system of a city, or the clerks of one service hall. */
export const presentationVerifierSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('partner'), city: z.string().regex(/^\d{6}$/), id: z.string().min(1).max(64) }),
  z.strictObject({ kind: z.literal('hall'), city: z.string().regex(/^\d{6}$/), hall: z.string().min(1).max(64) }),
]);
export type PresentationVerifier = z.infer<typeof presentationVerifierSchema>;

export const presentationSchema = z.strictObject({
  id: z.uuid(),
  credentialId: z.uuid(),
  issuerCity: z.string().regex(/^\d{6}$/),
  verifier: presentationVerifierSchema,
  purpose: z.string().min(1).max(200),
  singleUse: z.boolean(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type Presentation = z.infer<typeof presentationSchema>;

const tokenSchema = z.strictObject({
  format: z.literal(PRESENTATION_FORMAT),
  presentation: presentationSchema,
  credential: z.unknown(),
  proof: z.strictObject({
    type: z.literal(SIGNATURE_ALGORITHM),
    keyId: z.string().regex(ISSUER_KEY_ID_PATTERN),
    signature: z.string().min(1).max(200),
  }),
});

export interface PresentationToken {
  presentation: Presentation;
  credential: SignedCredential;
  proof: { type: typeof SIGNATURE_ALGORITHM; keyId: string; signature: string };
}

/**
 * The bytes the holder's city signs for a presentation: canonical JSON of the format, the
 * presentation (verifier, purpose, expiry…), the whole signed credential and the key id.
 * It is signed with the issuing city's active issuer key on the holder's behalf, after the holder
 * authenticated and named the verifier (consent).
 */
export const presentationSigningPayload = (presentation: Presentation, credential: SignedCredential, keyId: string): string =>
  jcsCanonicalJson({ format: PRESENTATION_FORMAT, presentation, credential, keyId });

export const encodePresentationToken = (presentation: Presentation, credential: SignedCredential, key: CredentialSigningKey): string => {
  const proof = {
    type: SIGNATURE_ALGORITHM,
    keyId: key.keyId,
    signature: key.sign(presentationSigningPayload(presentation, credential, key.keyId)),
  };
  return Buffer.from(JSON.stringify({ format: PRESENTATION_FORMAT, presentation, credential, proof }), 'utf8').toString('base64url');
};

export type DecodedPresentation = { ok: true; token: PresentationToken } | { ok: false; error: string };

/** Accepts the token or the QR payload. Checks shape and internal consistency, not the signature. */
export const decodePresentationToken = (input: string): DecodedPresentation => {
  const raw = input.trim().startsWith(QR_PREFIX) ? input.trim().slice(QR_PREFIX.length) : input.trim();
  if (!/^[A-Za-z0-9_-]+$/.test(raw)) return { ok: false, error: 'not a base64url token' };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, error: 'token is not JSON' };
  }
  const outer = tokenSchema.safeParse(json);
  if (!outer.success)
    return { ok: false, error: `not a presentation: ${outer.error.issues[0]?.path.join('.')}: ${outer.error.issues[0]?.message}` };
  const credential = signedCredentialSchema.safeParse(outer.data.credential);
  if (!credential.success) return { ok: false, error: 'the presented credential is malformed' };
  const { presentation, proof } = outer.data;
  if (presentation.credentialId !== credential.data.id || presentation.issuerCity !== credential.data.issuer.city) {
    return { ok: false, error: 'presentation and credential do not match' };
  }
  if (!proof.keyId.startsWith(`${presentation.issuerCity}-`)) return { ok: false, error: 'presentation not signed by the issuing city' };
  return { ok: true, token: { presentation, credential: credential.data as SignedCredential, proof } };
};

export const verifyPresentationSignature = (token: PresentationToken, publicKey: string): boolean => {
  try {
    return sm2Verify(presentationSigningPayload(token.presentation, token.credential, token.proof.keyId), token.proof.signature, publicKey);
  } catch {
    return false;
  }
};
