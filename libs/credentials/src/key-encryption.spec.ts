import { describe, expect, it } from '@jest/globals';
import { generateSm2KeyPair } from '@guangfo/platform';
import { KeyEncryption } from './key-encryption.js';

const KEK = '0123456789abcdeffedcba9876543210';

describe('issuer private keys at rest', () => {
  const { privateKey } = generateSm2KeyPair();

  it('seals with SM4-CBC + HMAC-SM3 and opens with the same key', () => {
    const k = new KeyEncryption(KEK);
    const sealed = k.seal(privateKey, '440100-aaaaaaaaaaaaaaaa');
    expect(sealed).toMatch(/^sm4-cbc\+hmac-sm3:v1:[0-9a-f]{8}:[0-9a-f]{32}:[0-9a-f]{96}:[0-9a-f]{64}$/);
    expect(sealed).not.toContain(privateKey);
    expect(k.open(sealed, '440100-aaaaaaaaaaaaaaaa')).toBe(privateKey);
    expect(k.seal(privateKey, '440100-aaaaaaaaaaaaaaaa')).not.toBe(sealed); // random IV
  });

  it('refuses a wrong key, a missing key, a tampered row and a row moved to another key id', () => {
    const sealed = new KeyEncryption(KEK).seal(privateKey, '440100-aaaaaaaaaaaaaaaa');
    expect(() => new KeyEncryption('f'.repeat(32)).open(sealed, '440100-aaaaaaaaaaaaaaaa')).toThrow(/was encrypted with key/);
    expect(() => new KeyEncryption().open(sealed, '440100-aaaaaaaaaaaaaaaa')).toThrow(/CREDENTIAL_KEY_ENCRYPTION_KEY is not set/);
    const flipped = sealed.replace(/:([0-9a-f])([0-9a-f]{95}):/, (_m, a: string, rest: string) => `:${a === '0' ? '1' : '0'}${rest}:`);
    expect(() => new KeyEncryption(KEK).open(flipped, '440100-aaaaaaaaaaaaaaaa')).toThrow(/integrity/);
    expect(() => new KeyEncryption(KEK).open(sealed, '440100-bbbbbbbbbbbbbbbb')).toThrow(/integrity/);
  });

  it('without a key, stores plainly (and says so in the stored form)', () => {
    const k = new KeyEncryption();
    expect(k.encrypting).toBe(false);
    expect(k.seal(privateKey, 'x')).toBe(`plain:${privateKey}`);
    expect(new KeyEncryption(KEK).open(`plain:${privateKey}`, 'x')).toBe(privateKey);
  });
});
