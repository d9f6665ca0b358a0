import { describe, expect, it } from '@jest/globals';
import { sm2Verify } from '@guangfo/gm-crypto';
import {
  credentialFields as fieldsOf,
  credentialSigningPayload,
  signedCredentialSchema,
  verifyCredentialSignature,
} from './credential.document.js';
import { credentialFields, signedCredential, testIssuerKey } from '../../test-fixtures/credential.factory.js';

describe('signed credential documents', () => {
  const key = testIssuerKey();

  it('signs canonical JSON of the fields plus the key id with SM2/SM3', () => {
    const signed = signedCredential(key);
    const payload = credentialSigningPayload(fieldsOf(signed), key.keyId);
    expect(
      payload.startsWith('{"format":"guangfo.credential.v1","holder":{"code":"440106199001010013","codeType":"111","name":"陈小明"},"id":'),
    ).toBe(true);
    expect(payload).toContain(`"keyId":"${key.keyId}"`);
    expect(payload).not.toContain('proof');
    expect(sm2Verify(payload, signed.proof.signature, key.publicKey)).toBe(true);
    expect(verifyCredentialSignature(signed, key.publicKey)).toBe(true);
  });

  it('does not depend on member order (a verifier may re-serialise the document)', () => {
    const signed = signedCredential(key);
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(signed).reverse()))) as typeof signed;
    expect(verifyCredentialSignature(reordered, key.publicKey)).toBe(true);
  });

  it('fails for any change of a field, of the key id, or another key', () => {
    const signed = signedCredential(key);
    expect(verifyCredentialSignature({ ...signed, holder: { ...signed.holder, name: '陈大明' } }, key.publicKey)).toBe(false);
    expect(verifyCredentialSignature({ ...signed, validTo: '2099-12-31' }, key.publicKey)).toBe(false);
    expect(verifyCredentialSignature({ ...signed, proof: { ...signed.proof, keyId: '440100-0000000000000000' } }, key.publicKey)).toBe(
      false,
    );
    expect(verifyCredentialSignature({ ...signed, attributes: { extra: true } }, key.publicKey)).toBe(false);
    expect(verifyCredentialSignature(signed, testIssuerKey().publicKey)).toBe(false);
    expect(verifyCredentialSignature({ ...signed, proof: { ...signed.proof, signature: 'not base64!' } }, key.publicKey)).toBe(false);
  });

  it('validates the document: holder code checksums, issuer code, dates, number, key of the issuing city, no unknown members', () => {
    const ok = signedCredential(key);
    expect(signedCredentialSchema.safeParse(ok).success).toBe(true);
    const bad = (d: unknown) => signedCredentialSchema.safeParse(d).error?.issues.map((i) => i.path.join('.'));
    expect(bad({ ...ok, holder: { ...ok.holder, code: '440106199001010014' } })).toEqual(['holder.code']);
    expect(bad({ ...ok, validTo: '2025-01-01' })).toEqual(['validTo']);
    expect(bad({ ...ok, validFrom: '2026-02-30' })).toEqual(['validFrom']);
    expect(bad({ ...ok, extra: 1 })).toEqual(['']);
    expect(bad({ ...ok, proof: { ...ok.proof, keyId: ok.proof.keyId.replace('440100', '440600') } })).toEqual(['proof.keyId']);
    expect(bad({ ...ok, holder: { ...ok.holder, name: '陈小明\n' } })).toEqual(['holder.name', 'holder.name']);
    expect(bad(signedCredential(key, { number: credentialFields().number.replace(/.$/, '0') }))).toContain('number');
  });
});
