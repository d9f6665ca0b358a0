import { describe, expect, it } from '@jest/globals';
import { generateSm2KeyPair, Sealer } from '@guangfo/gm-crypto';
import { issuerKeyAd, KeyEncryption } from './key-encryption.js';
import { openLegacyIssuerKey } from './migrations/1764633600002-credentials-sealing.migration.js';

const K1 = { keyId: 'gz-seal-1', keyHex: '12'.repeat(32) };
const K2 = { keyId: 'gz-seal-2', keyHex: '34'.repeat(32) };

describe('issuer private keys at rest', () => {
  const { privateKey } = generateSm2KeyPair();

  it('seals with the data-sealing keyring, bound to the issuer key id', () => {
    const k = new KeyEncryption(new Sealer([K1]));
    const sealed = k.seal(privateKey, '440100-aaaaaaaaaaaaaaaa');
    expect(Sealer.keyIdOf(sealed)).toBe('gz-seal-1');
    expect(sealed).not.toContain(privateKey);
    expect(k.open(sealed, '440100-aaaaaaaaaaaaaaaa')).toBe(privateKey);
    expect(() => k.open(sealed, '440100-bbbbbbbbbbbbbbbb')).toThrow(/issuer key 440100-bbbbbbbbbbbbbbbb: .*integrity/);
    expect(new Sealer([K1]).openBytes(sealed, issuerKeyAd('440100-aaaaaaaaaaaaaaaa')).toString('hex')).toBe(privateKey);
  });

  it('keeps opening after rotation; an unknown sealing key is named', () => {
    const sealed = new KeyEncryption(new Sealer([K1])).seal(privateKey, 'k');
    expect(new KeyEncryption(new Sealer([K2, K1])).open(sealed, 'k')).toBe(privateKey);
    expect(() => new KeyEncryption(new Sealer([K2])).open(sealed, 'k')).toThrow(/gz-seal-1.*not in the sealing keyring/);
  });

  it('the migration opens the old forms (known answer from the former KEK scheme, and plain)', () => {
    const legacy =
      'sm4-cbc+hmac-sm3:v1:13bcec3a:0a16018c574e0a6b77b862f1c0d6da49:f2f1d0c3696ac6c68ee31446455f017cd8b8a036595a0176a0cecc5d4c22ad013f0c324acc21f30bad1a4c014c20ddde:fbb6e17165d725d0fb3587613448c4f14b3c2f4d139a87d7f879691d6ee2fd58';
    const kek = '0123456789abcdeffedcba9876543210';
    expect(openLegacyIssuerKey(kek, legacy, '440100-aaaaaaaaaaaaaaaa').toString('hex')).toBe('1'.repeat(64));
    expect(() => openLegacyIssuerKey(kek, legacy, '440100-bbbbbbbbbbbbbbbb')).toThrow(/integrity/);
    expect(() => openLegacyIssuerKey(undefined, legacy, 'x')).toThrow(/set CREDENTIAL_KEY_ENCRYPTION_KEY/);
    expect(() => openLegacyIssuerKey('f'.repeat(32), legacy, 'x')).toThrow(/was encrypted with key 13bcec3a/);
    expect(openLegacyIssuerKey(undefined, `plain:${privateKey}`, 'x').toString('hex')).toBe(privateKey);
  });
});
