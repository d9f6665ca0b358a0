import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  decodePresentationToken,
  encodePresentationToken,
  type Presentation,
  QR_PREFIX,
  verifyPresentationSignature,
} from './presentation.token.js';
import { signedCredential, testIssuerKey } from '../../test-fixtures/credential.factory.js';

const key = testIssuerKey();
const credential = signedCredential(key);
const presentation: Presentation = {
  id: randomUUID(),
  credentialId: credential.id,
  issuerCity: '440100',
  verifier: { kind: 'partner', city: '440600', id: 'demo-bank-fs' },
  purpose: '开立账户核验居住证',
  singleUse: true,
  createdAt: '2026-06-01T04:00:00.000Z',
  expiresAt: '2026-06-01T04:10:00.000Z',
};

describe('presentation tokens', () => {
  it('round-trips, as a token or as a QR payload, and the signature verifies', () => {
    const token = encodePresentationToken(presentation, credential, key);
    for (const input of [token, `${QR_PREFIX}${token}`]) {
      const d = decodePresentationToken(input);
      expect(d.ok).toBe(true);
      if (d.ok) {
        expect(d.token.presentation).toEqual(presentation);
        expect(verifyPresentationSignature(d.token, key.publicKey)).toBe(true);
      }
    }
  });

  it('a presentation re-addressed to another verifier (or extended) no longer verifies', () => {
    const token = encodePresentationToken(presentation, credential, key);
    const d = decodePresentationToken(token);
    if (!d.ok) throw new Error(d.error);
    expect(
      verifyPresentationSignature(
        { ...d.token, presentation: { ...presentation, verifier: { kind: 'partner', city: '440600', id: 'evil' } } },
        key.publicKey,
      ),
    ).toBe(false);
    expect(
      verifyPresentationSignature({ ...d.token, presentation: { ...presentation, expiresAt: '2030-01-01T00:00:00.000Z' } }, key.publicKey),
    ).toBe(false);
  });

  it('rejects garbage and mismatched tokens', () => {
    expect(decodePresentationToken('%%%').ok).toBe(false);
    expect(decodePresentationToken(Buffer.from('{}').toString('base64url')).ok).toBe(false);
    const other = encodePresentationToken({ ...presentation, credentialId: randomUUID() }, credential, key);
    expect(decodePresentationToken(other)).toEqual({ ok: false, error: 'presentation and credential do not match' });
  });
});
