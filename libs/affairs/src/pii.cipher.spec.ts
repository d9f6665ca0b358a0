import { describe, expect, it } from '@jest/globals';
import { PiiCipher } from './pii.cipher.js';

describe('PiiCipher (SM4-CBC + HMAC-SM3)', () => {
  const cipher = new PiiCipher('3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8');

  it('round-trips and never stores the clear text', () => {
    const t = cipher.encrypt('44060419920505002X');
    expect(t).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(t).not.toContain('44060419920505002X');
    expect(cipher.decrypt(t)).toBe('44060419920505002X');
    expect(cipher.encrypt('44060419920505002X')).not.toBe(t); // random IV
  });

  it('refuses a tampered token or another key', () => {
    const t = cipher.encrypt('440106199001010013');
    const parts = t.split('.');
    const flipped = Buffer.from(parts[2], 'base64url');
    flipped[0] ^= 1;
    expect(() => cipher.decrypt([parts[0], parts[1], flipped.toString('base64url'), parts[3]].join('.'))).toThrow(/integrity/);
    expect(() => new PiiCipher('00'.repeat(32)).decrypt(t)).toThrow(/integrity/);
  });
});
