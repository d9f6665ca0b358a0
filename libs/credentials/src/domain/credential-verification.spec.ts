import { describe, expect, it } from '@jest/globals';
import { evaluateCredential, parseCredential, type VerificationResult } from './credential-verification.js';
import type { FreshnessPolicy } from './freshness.js';
import { facts, keyRecord, RESIDENT_ID, signedCredential, testIssuerKey } from '../../test-fixtures/credential.factory.js';

const NOW = new Date('2026-06-01T04:00:00.000Z'); // 12:00 in Shanghai
const POLICY: FreshnessPolicy = { statusMaxAgeSeconds: 3600, staleStatusPolicy: 'fail-closed' };
const key = testIssuerKey();
const credential = signedCredential(key);
const verify = (c = credential, f = facts(key), options = {}, policy = POLICY, now = NOW): VerificationResult =>
  evaluateCredential(c, f, policy, now, options);

describe('evaluateCredential: the verdict and its reasons', () => {
  it('accepts a genuine, current, unrevoked credential and masks its holder', () => {
    const r = verify();
    expect(r).toMatchObject({ valid: true, reasons: [], warnings: [] });
    expect(r.credential?.holder).toEqual({ name: '陈*明', code: '440***********0013', codeType: '111' });
    expect(r.status).toMatchObject({ value: 'valid', fresh: true, ageSeconds: 600 });
  });

  it('SIGNATURE_INVALID when any signed field was changed', () => {
    const tampered = { ...credential, validTo: '2099-12-31' };
    expect(verify(tampered).reasons).toEqual(['SIGNATURE_INVALID']);
  });

  it('UNKNOWN_ISSUER for a key the registry does not know, a city not in the registry, or a key of another city', () => {
    expect(verify(credential, facts(key, { key: undefined })).reasons).toEqual(['UNKNOWN_ISSUER']);
    expect(verify(credential, facts(key, { issuerCityKnown: false })).reasons).toEqual(['UNKNOWN_ISSUER']);
    expect(verify(credential, facts(key, { key: keyRecord(key, { issuerCity: '440600' }) })).reasons).toEqual(['UNKNOWN_ISSUER']);
  });

  it('KEY_RETIRED for a retired key, even though the signature is good', () => {
    expect(verify(credential, facts(key, { key: keyRecord(key, { status: 'retired' }) })).reasons).toEqual(['KEY_RETIRED']);
  });

  it('KEY_NOT_AUTHORISED_FOR_TYPE when the key is not trusted for the type', () => {
    expect(verify(credential, facts(key, { key: keyRecord(key, { credentialTypes: ['BUSINESS_LICENSE'] }) })).reasons).toEqual([
      'KEY_NOT_AUTHORISED_FOR_TYPE',
    ]);
  });

  it("ISSUER_NOT_AUTHORISED when the issuing body is not on the issuing city's list for the type, or not on it at all", () => {
    // Genuinely signed by the city's key, but the body named is a lab that may only issue test reports.
    const lab = signedCredential(key, {
      type: { code: 'HOUSEHOLD_REGISTER', name: '居民户口簿' },
      issuer: { name: '广州市公安局', code: '12440100MB2C000020', city: '440100' },
    });
    const hukouKey = keyRecord(key, { credentialTypes: ['HOUSEHOLD_REGISTER', 'RESIDENCE_PERMIT'] });
    expect(
      verify(
        lab,
        facts(key, { key: hukouKey, type: { code: 'HOUSEHOLD_REGISTER', name: '居民户口簿' }, authorisedTypes: ['MEDICAL_TEST_REPORT'] }),
      ).reasons,
    ).toEqual(['ISSUER_NOT_AUTHORISED']);
    expect(
      verify(
        lab,
        facts(key, { key: hukouKey, type: { code: 'HOUSEHOLD_REGISTER', name: '居民户口簿' }, authorisedTypes: ['HOUSEHOLD_REGISTER'] }),
      ).valid,
    ).toBe(true);
    const { authorisedTypes: _unlisted, ...unknownBody } = facts(key);
    expect(verify(credential, unknownBody).reasons).toEqual(['ISSUER_NOT_AUTHORISED']);
    expect(verify(credential, facts(key, { authorisedTypes: ['BUSINESS_LICENSE'] })).reasons).toEqual(['ISSUER_NOT_AUTHORISED']);
  });

  it('REVOKED / SUSPENDED from the replicated status', () => {
    expect(
      verify(credential, facts(key, { status: { status: 'revoked', reasonCode: 'WITHDRAWN', changedAt: '2026-05-01T00:00:00Z' } })).reasons,
    ).toEqual(['REVOKED']);
    const s = verify(
      credential,
      facts(key, { status: { status: 'suspended', reasonCode: 'UNDER_REVIEW', changedAt: '2026-05-01T00:00:00Z' } }),
    );
    expect(s.reasons).toEqual(['SUSPENDED']);
    expect(s.status).toMatchObject({ value: 'suspended', reasonCode: 'UNDER_REVIEW' });
    expect(
      verify(credential, facts(key, { status: { status: 'valid', reasonCode: 'REINSTATED', changedAt: '2026-05-02T00:00:00Z' } })).valid,
    ).toBe(true);
  });

  it('EXPIRED after the last day, NOT_YET_VALID before the first, in Asia/Shanghai civil dates', () => {
    const c = signedCredential(key, { validFrom: '2026-01-01', validTo: '2026-05-31' });
    // 2026-05-31T15:59:59Z is still 23:59:59 on the 31st in Shanghai; one second later it is June 1st.
    expect(verify(c, facts(key), {}, POLICY, new Date('2026-05-31T15:59:59Z')).reasons).toEqual([]);
    expect(verify(c, facts(key), {}, POLICY, new Date('2026-05-31T16:00:00Z')).reasons).toEqual(['EXPIRED']);
    const future = signedCredential(key, { validFrom: '2026-06-02', validTo: null });
    expect(verify(future).reasons).toEqual(['NOT_YET_VALID']);
    expect(verify(future).warnings).toEqual(['NO_EXPIRY']);
  });

  it('HOLDER_MISMATCH and TYPE_MISMATCH against what the verifier expects', () => {
    expect(verify(credential, facts(key), { holderCode: RESIDENT_ID.toLowerCase() }).valid).toBe(true);
    expect(verify(credential, facts(key), { holderCode: '44010619900101002X' }).reasons).toEqual(['HOLDER_MISMATCH']);
    expect(verify(credential, facts(key), { expectedType: 'BUSINESS_LICENSE' }).reasons).toEqual(['TYPE_MISMATCH']);
  });

  it('UNKNOWN_CREDENTIAL_TYPE when the catalogue does not know the type', () => {
    expect(verify(credential, facts(key, { type: undefined })).reasons).toEqual(['UNKNOWN_CREDENTIAL_TYPE']);
  });

  it('lists every failed check at once', () => {
    const c = signedCredential(key, { validFrom: '2025-01-01', validTo: '2025-12-31' });
    const r = verify(
      c,
      facts(key, { status: { status: 'revoked', reasonCode: 'OTHER', changedAt: '2026-01-01T00:00:00Z' } }, '2026-05-01T00:00:00Z'),
      { holderCode: '44010619900101002X' },
    );
    expect(r.reasons).toEqual(['REVOKED', 'STATUS_STALE', 'EXPIRED', 'HOLDER_MISMATCH']);
    expect(r.valid).toBe(false);
  });

  it('MALFORMED documents are reported with the offending fields', () => {
    const parsed = parseCredential({ ...credential, holder: { ...credential.holder, code: '123' } });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors).toEqual(['holder.code: is not a valid code of type 111']);
    expect(parseCredential('not a credential').ok).toBe(false);
  });
});

describe('key rotation', () => {
  it('a rotated key still verifies what it signed (warning KEY_ROTATED); once retired it does not', () => {
    const old = testIssuerKey();
    const signedByOld = signedCredential(old);
    const rotated = verify(signedByOld, facts(old, { key: keyRecord(old, { status: 'rotated' }) }));
    expect(rotated).toMatchObject({ valid: true, warnings: ['KEY_ROTATED'] });
    expect(verify(signedByOld, facts(old, { key: keyRecord(old, { status: 'retired' }) })).reasons).toEqual(['KEY_RETIRED']);
  });

  it('the new key verifies only what it signed', () => {
    const old = testIssuerKey();
    const next = testIssuerKey();
    const byNext = signedCredential(next);
    expect(verify(byNext, facts(next)).valid).toBe(true);
    // A document claiming the new key id but signed by the old key fails: the key id is signed too.
    const forged = { ...signedCredential(old), proof: { ...signedCredential(old).proof, keyId: next.keyId } };
    expect(verify(forged, facts(next)).reasons).toEqual(['SIGNATURE_INVALID']);
  });
});

describe('stale status', () => {
  const stale = facts(key, {}, '2026-06-01T02:00:00.000Z'); // 2 hours old, window 1 hour
  it('fail-closed rejects with STATUS_STALE', () => {
    const r = verify(credential, stale);
    expect(r).toMatchObject({ valid: false, reasons: ['STATUS_STALE'] });
    expect(r.status).toMatchObject({ fresh: false, ageSeconds: 7200 });
  });
  it('accept-with-warning accepts and warns', () => {
    expect(verify(credential, stale, {}, { ...POLICY, staleStatusPolicy: 'accept-with-warning' })).toMatchObject({
      valid: true,
      reasons: [],
      warnings: ['STATUS_STALE'],
    });
  });
  it('a revocation known before the status went stale still rejects, whatever the policy', () => {
    const revoked = { ...stale, status: { status: 'revoked' as const, reasonCode: 'WITHDRAWN', changedAt: '2026-06-01T01:00:00Z' } };
    expect(verify(credential, revoked, {}, { ...POLICY, staleStatusPolicy: 'accept-with-warning' }).reasons).toEqual(['REVOKED']);
  });
  it('the issuing city itself is authoritative: never stale', () => {
    expect(verify(credential, facts(key, { freshness: { authoritative: true, asOf: null } })).valid).toBe(true);
  });
});
