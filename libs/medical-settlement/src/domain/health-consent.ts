import type { HealthSummaryRefusal } from '@guangfo/contracts';

export interface ConsentFacts {
  id: string;
  expiresAt: Date;
  revokedAt: Date | null;
}

export type ConsentDecision = { ok: true; consentId: string; expiresAt: Date } | { ok: false; refusal: HealthSummaryRefusal };

/**
 * Whether the patient's consents for one hospital and purpose allow sharing at `now`: a consent neither revoked nor expired
 * (the latest-expiring one is used). Otherwise the refusal names why: revoked when a matching consent was revoked (and none
 * is valid), expired when one ran out, missing when there is none at all.
 */
export const decideConsent = (consents: readonly ConsentFacts[], now: Date): ConsentDecision => {
  const valid = consents
    .filter((c) => c.revokedAt === null && c.expiresAt.getTime() > now.getTime())
    .sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime());
  if (valid[0]) return { ok: true, consentId: valid[0].id, expiresAt: valid[0].expiresAt };
  if (consents.some((c) => c.revokedAt !== null)) return { ok: false, refusal: 'MEDICAL_CONSENT_REVOKED' };
  if (consents.length) return { ok: false, refusal: 'MEDICAL_CONSENT_EXPIRED' };
  return { ok: false, refusal: 'MEDICAL_CONSENT_MISSING' };
};
