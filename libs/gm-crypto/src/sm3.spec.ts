import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import smCrypto from 'sm-crypto';
import { SM3_DIGEST_LENGTH, sm3, sm3Bytes, sm3Digester } from './sm3.js';

// Known answers from GB/T 32905-2016 (= GM/T 0004-2012) Appendix A, examples 1 and 2;
// the same bytes appear in OpenSSL's test/sm3_internal_test.c.
const EXAMPLE_1 = { input: 'abc', digest: '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0' };
const EXAMPLE_2 = { input: 'abcd'.repeat(16), digest: 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732' };

describe('sm3', () => {
  it('matches GB/T 32905-2016 example 1 ("abc")', () => {
    expect(sm3(EXAMPLE_1.input)).toBe(EXAMPLE_1.digest);
  });

  it('matches GB/T 32905-2016 example 2 ("abcd" x 16, 512 bits)', () => {
    expect(EXAMPLE_2.input).toHaveLength(64);
    expect(sm3(EXAMPLE_2.input)).toBe(EXAMPLE_2.digest);
  });

  it('hashes strings as UTF-8 and bytes as-is', () => {
    expect(sm3(Buffer.from('abc'))).toBe(EXAMPLE_1.digest);
    expect(sm3(new Uint8Array([0x61, 0x62, 0x63]))).toBe(EXAMPLE_1.digest);
    expect(sm3('广佛')).toBe(sm3(Buffer.from('广佛', 'utf8')));
  });

  it('hashes several parts as their concatenation', () => {
    expect(sm3('ab', Buffer.from('c'))).toBe(EXAMPLE_1.digest);
    expect(sm3(...Array.from({ length: 16 }, () => 'abcd'))).toBe(EXAMPLE_2.digest);
  });

  it('hashes parts fed one by one (sm3Digester) as their concatenation', () => {
    expect(sm3Digester().update('a').update(Buffer.from('b')).update('c').hex()).toBe(EXAMPLE_1.digest);
    const d = sm3Digester();
    for (let i = 0; i < 16; i += 1) d.update('abcd');
    expect(d.hex()).toBe(EXAMPLE_2.digest);
    expect(sm3Digester().hex()).toBe(sm3(''));
  });

  it('returns 32 raw bytes from sm3Bytes', () => {
    const digest = sm3Bytes('abc');
    expect(digest).toHaveLength(SM3_DIGEST_LENGTH);
    expect(digest.toString('hex')).toBe(EXAMPLE_1.digest);
  });

  it('agrees with the independent sm-crypto implementation on random inputs', () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 1000]) {
      const data = randomBytes(length);
      expect(sm3(data)).toBe(smCrypto.sm3(Array.from(data)));
    }
  });
});
