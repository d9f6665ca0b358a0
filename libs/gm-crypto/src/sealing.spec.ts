import { describe, expect, it } from '@jest/globals';
import { generateSealingKey, parseSealingKeys, Sealer, SealingError } from './sealing.js';

const K1 = { keyId: 'seal-2026', keyHex: '0f'.repeat(32) };
const K2 = { keyId: 'seal-2027', keyHex: 'a5'.repeat(32) };
const ID = '44060419920505002X';
const AD = 'affairs.case.applicant-id:GF-440600-000001';

const flip = (sealed: string, part: number): string => {
  const parts = sealed.split('.');
  const b = Buffer.from(parts[part]!, 'base64url');
  b[0]! ^= 1;
  parts[part] = b.toString('base64url');
  return parts.join('.');
};

describe('Sealer (SM4-CTR + HMAC-SM3, keyring, associated data)', () => {
  const sealer = new Sealer([K1]);

  it('round-trips, names its key id and never shows the clear text', () => {
    const s = sealer.seal(ID, AD);
    expect(s).toMatch(/^gfs1\.seal-2026\.[\w-]{22}\.[\w-]+\.[\w-]{43}$/);
    expect(s).not.toContain(ID);
    expect(Sealer.keyIdOf(s)).toBe('seal-2026');
    expect(sealer.open(s, AD)).toBe(ID);
    expect(sealer.seal(ID, AD)).not.toBe(s); // random IV
    expect(sealer.open(sealer.seal('', AD), AD)).toBe('');
    const bytes = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(sealer.openBytes(sealer.seal(bytes, 'x'), 'x').equals(bytes)).toBe(true);
  });

  it('refuses a tampered IV, ciphertext, MAC or key id', () => {
    const s = sealer.seal(ID, AD);
    for (const part of [2, 3, 4]) expect(() => sealer.open(flip(s, part), AD)).toThrow(/integrity/);
    const other = new Sealer([K1, { keyId: 'seal-2025', keyHex: K1.keyHex }]);
    expect(() => other.open(s.replace('seal-2026', 'seal-2025'), AD)).toThrow(/integrity/);
    expect(() => sealer.open(s.slice(0, -2), AD)).toThrow(SealingError);
  });

  it('refuses a value opened with other associated data (moved to another row or column)', () => {
    const s = sealer.seal(ID, AD);
    expect(() => sealer.open(s, 'affairs.case.applicant-id:GF-440600-000002')).toThrow(/integrity/);
    expect(() => sealer.open(s, 'platform.webhook-secret:GF-440600-000001')).toThrow(/integrity/);
  });

  it('refuses a value sealed under the same key id with other key material', () => {
    const s = new Sealer([{ keyId: K1.keyId, keyHex: 'ff'.repeat(32) }]).seal(ID, AD);
    expect(() => sealer.open(s, AD)).toThrow(/integrity/);
  });

  it('rotation: a new key seals new values, the old key still opens old ones, reseal moves them', () => {
    const old = sealer.seal(ID, AD);
    const rotated = new Sealer([K2, K1]);
    expect(rotated.currentKeyId).toBe('seal-2027');
    expect(rotated.open(old, AD)).toBe(ID);
    const fresh = rotated.seal(ID, AD);
    expect(Sealer.keyIdOf(fresh)).toBe('seal-2027');
    const moved = rotated.reseal(old, AD);
    expect(Sealer.keyIdOf(moved)).toBe('seal-2027');
    expect(new Sealer([K2]).open(moved, AD)).toBe(ID);
    expect(rotated.reseal(fresh, AD)).toBe(fresh);
  });

  it('an unknown key id fails with a clear error naming the key', () => {
    const s = new Sealer([K2]).seal(ID, AD);
    let err: unknown;
    try {
      sealer.open(s, AD);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SealingError);
    expect((err as SealingError).reason).toBe('unknown-key');
    expect((err as Error).message).toMatch(/seal-2027.*not in the sealing keyring/);
  });

  it('refuses a bad keyring', () => {
    expect(() => new Sealer([])).toThrow(/at least one key/);
    expect(() => new Sealer([K1, K1])).toThrow(/twice/);
    expect(() => new Sealer([{ keyId: 'a.b', keyHex: K1.keyHex }])).toThrow(/key id/);
    expect(() => new Sealer([{ keyId: 'short', keyHex: 'ab' }])).toThrow(/64 hex/);
  });

  it('parses DATA_SEALING_KEYS and generates fresh keys', () => {
    expect(parseSealingKeys(`seal-2027:${'A5'.repeat(32)}, seal-2026:${K1.keyHex}`)).toEqual([K2, K1]);
    const g = generateSealingKey('k');
    expect(g.keyHex).toMatch(/^[0-9a-f]{64}$/);
    expect(new Sealer([g]).open(new Sealer([g]).seal('x', 'y'), 'y')).toBe('x');
  });
});
