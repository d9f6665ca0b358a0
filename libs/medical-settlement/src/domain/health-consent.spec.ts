import { describe, expect, it } from '@jest/globals';
import { decideConsent } from './health-consent.js';

const now = new Date('2026-03-05T02:00:00Z');
const at = (iso: string) => new Date(iso);

describe('decideConsent', () => {
  it('shares under a consent neither revoked nor expired, the latest-expiring one', () => {
    expect(
      decideConsent(
        [
          { id: 'a', expiresAt: at('2026-04-01T00:00:00Z'), revokedAt: null },
          { id: 'b', expiresAt: at('2026-06-01T00:00:00Z'), revokedAt: null },
          { id: 'c', expiresAt: at('2026-09-01T00:00:00Z'), revokedAt: at('2026-03-01T00:00:00Z') },
        ],
        now,
      ),
    ).toEqual({ ok: true, consentId: 'b', expiresAt: at('2026-06-01T00:00:00Z') });
  });
  it('refuses with the reason: none, expired (the expiry instant included), revoked', () => {
    expect(decideConsent([], now)).toEqual({ ok: false, refusal: 'MEDICAL_CONSENT_MISSING' });
    expect(decideConsent([{ id: 'a', expiresAt: now, revokedAt: null }], now)).toEqual({ ok: false, refusal: 'MEDICAL_CONSENT_EXPIRED' });
    expect(
      decideConsent(
        [
          { id: 'a', expiresAt: at('2026-02-01T00:00:00Z'), revokedAt: null },
          { id: 'b', expiresAt: at('2026-09-01T00:00:00Z'), revokedAt: at('2026-03-04T00:00:00Z') },
        ],
        now,
      ),
    ).toEqual({ ok: false, refusal: 'MEDICAL_CONSENT_REVOKED' });
  });
});
