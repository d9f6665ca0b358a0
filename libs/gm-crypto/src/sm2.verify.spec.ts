import { describe, expect, it } from '@jest/globals';
import { generateSm2KeyPair, sm2PublicKeyToPem, sm2Sign, sm2Verify, sm2Za } from './sm2.signer.js';

/** Verification through the caches (validated keys, Z_A per user id, pinned tables). */
describe('sm2Verify with cached keys', () => {
  it('gives the same answers before and after a key is pinned, in every key encoding', () => {
    const { privateKey, publicKey } = generateSm2KeyPair();
    const pem = sm2PublicKeyToPem(publicKey);
    const compressed = `${BigInt(`0x${publicKey.slice(66)}`) % 2n === 0n ? '02' : '03'}${publicKey.slice(2, 66)}`;
    for (let i = 0; i < 6; i++) {
      const message = `event ${i}`;
      const signature = sm2Sign(message, privateKey);
      for (const key of [publicKey, pem, compressed, publicKey.toUpperCase()]) {
        expect(sm2Verify(message, signature, key)).toBe(true);
        expect(sm2Verify(`${message}!`, signature, key)).toBe(false);
        expect(sm2Verify(message, signature, key, { userId: 'other-id' })).toBe(false);
      }
    }
  });

  it('keeps Z_A apart per user id and per key', () => {
    const a = generateSm2KeyPair();
    const b = generateSm2KeyPair();
    const ids = Array.from({ length: 12 }, (_, i) => `id-${i}`); // more ids than one key's Z_A cache holds
    for (const userId of [...ids, ...ids]) {
      expect(sm2Za(a.publicKey, { userId })).not.toBe(sm2Za(b.publicKey, { userId }));
      const signature = sm2Sign('m', a.privateKey, { userId });
      expect(sm2Verify('m', signature, a.publicKey, { userId })).toBe(true);
      expect(sm2Verify('m', signature, b.publicKey, { userId })).toBe(false);
    }
    expect(sm2Za(a.publicKey, { userId: 'id-0' })).not.toBe(sm2Za(a.publicKey, { userId: 'id-1' }));
  });

  it('stays correct past the number of pinned keys and cached keys', () => {
    const keys = Array.from({ length: 20 }, () => generateSm2KeyPair());
    for (let round = 0; round < 4; round++) {
      for (const { privateKey, publicKey } of keys) {
        const signature = sm2Sign(`round ${round}`, privateKey);
        expect(sm2Verify(`round ${round}`, signature, publicKey)).toBe(true);
        expect(sm2Verify(`round ${round + 1}`, signature, publicKey)).toBe(false);
      }
    }
  });

  it('still throws for a malformed key after valid ones were cached', () => {
    const { privateKey, publicKey } = generateSm2KeyPair();
    expect(sm2Verify('m', sm2Sign('m', privateKey), publicKey)).toBe(true);
    expect(() => sm2Verify('m', sm2Sign('m', privateKey), `${publicKey.slice(0, -1)}${publicKey.endsWith('0') ? '1' : '0'}`)).toThrow(
      RangeError,
    );
    expect(() => sm2Verify('m', sm2Sign('m', privateKey), publicKey.slice(0, 20))).toThrow(TypeError);
  });
});
