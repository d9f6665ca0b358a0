/**
 * SM2 encryption, the fast path: round trips of random messages (fast-check), C1 validation and
 * tampering, the products against @noble/curves, and ciphertexts exchanged both ways with the
 * previous implementation (kept below as the reference: OpenSSL's ECDH for every product, y
 * recovered with a second product).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createECDH, randomBytes, timingSafeEqual } from 'node:crypto';
import { SM2_CURVE, Sm2Point, sm2EncryptionProducts, sm2IsOnCurve, sm2VerificationKey } from './sm2.curve.js';
import { sm2Decrypt, sm2Encrypt } from './sm2.encryption.js';
import {
  generateSm2KeyPair,
  normalizeSm2PrivateKey,
  normalizeSm2PublicKey,
  sm2PublicKeyFromPrivateKey,
  sm2PublicKeyPoint,
} from './sm2.signer.js';
import { sm3Bytes } from './sm3.js';

// ---------------------------------------------------------------------------
// The previous implementation (commit ed09b9a), verbatim but for the export names.
// ---------------------------------------------------------------------------
const { a, b, n } = SM2_CURVE;
const Fp = Sm2Point.Fp;
const hex64 = (v: bigint): string => v.toString(16).padStart(64, '0');
const big = (buf: Buffer): bigint => BigInt(`0x${buf.toString('hex') || '0'}`);

interface Point {
  readonly x: bigint;
  readonly y: bigint;
}

const pointOf = (uncompressedHex: string): Point => ({
  x: BigInt(`0x${uncompressedHex.slice(2, 66)}`),
  y: BigInt(`0x${uncompressedHex.slice(66, 130)}`),
});

/** x of [scalar]Q, by OpenSSL. */
const ecdhX = (scalar: bigint, q: Point): bigint => {
  const ecdh = createECDH('SM2');
  ecdh.setPrivateKey(Buffer.from(hex64(scalar), 'hex'));
  return big(ecdh.computeSecret(Buffer.from(`04${hex64(q.x)}${hex64(q.y)}`, 'hex')));
};

/** [scalar]Q with both coordinates (scalar in [1, n-2]). */
const multiply = (scalar: bigint, q: Point): Point => {
  const x = ecdhX(scalar, q);
  const rhs = Fp.create(x * x * x + a * x + b);
  let y: bigint;
  try {
    y = Fp.sqrt(rhs);
  } catch (cause) {
    throw new Error('SM2: product is not on the curve', { cause });
  }
  const nextX = ecdhX(scalar + 1n, q);
  for (const cand of [y, Fp.neg(y)]) {
    if (x === q.x) break;
    const lambda = Fp.div(Fp.sub(q.y, cand), Fp.sub(q.x, x));
    if (Fp.create(lambda * lambda - x - q.x) === nextX) return { x, y: cand };
  }
  throw new Error('SM2: cannot recover the product point');
};

/** GM/T 0003.4 KDF with SM3. */
const kdf = (z: Buffer, length: number): Buffer => {
  const blocks: Buffer[] = [];
  for (let ct = 1; blocks.length * 32 < length; ct += 1) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(ct);
    blocks.push(sm3Bytes(z, c));
  }
  return Buffer.concat(blocks).subarray(0, length);
};

const xor = (m: Buffer, t: Buffer): Buffer => {
  if (t.every((v) => v === 0)) throw new Error('SM2: KDF output is all zero');
  return Buffer.from(m.map((v, i) => v ^ t[i]!));
};

const randomScalar = (): bigint => {
  for (;;) {
    const k = big(randomBytes(32));
    if (k >= 1n && k <= n - 2n) return k;
  }
};

/** Encrypts to an SM2 public key; returns C1‖C3‖C2 (C1 uncompressed, with its 04 prefix). */
function legacyEncrypt(message: Uint8Array, publicKey: string): Buffer {
  if (message.length === 0) throw new RangeError('SM2: nothing to encrypt');
  const pub = pointOf(normalizeSm2PublicKey(publicKey));
  const m = Buffer.from(message);
  // GB/T 32918.4 §6.1 A5: a KDF output of all zeros starts again with a new k (1 in 256 for a one-byte message).
  for (;;) {
    const k = randomScalar();
    const c1 = createECDH('SM2');
    c1.setPrivateKey(Buffer.from(hex64(k), 'hex'));
    const s = multiply(k, pub);
    const x2 = Buffer.from(hex64(s.x), 'hex');
    const y2 = Buffer.from(hex64(s.y), 'hex');
    const t = kdf(Buffer.concat([x2, y2]), m.length);
    if (t.every((v) => v === 0)) continue;
    const c2 = xor(m, t);
    const c3 = sm3Bytes(x2, m, y2);
    return Buffer.concat([c1.getPublicKey(null, 'uncompressed'), c3, c2]);
  }
}

/** Decrypts C1‖C3‖C2 (C1 uncompressed, with its 04 prefix). Throws when C3 does not check. */
function legacyDecrypt(ciphertext: Uint8Array, privateKey: string): Buffer {
  const d = BigInt(`0x${normalizeSm2PrivateKey(privateKey)}`);
  if (ciphertext[0] !== 0x04) throw new Error('SM2: C1 must be an uncompressed point (04…)');
  const ct = Buffer.from(ciphertext).subarray(1);
  if (ct.length < 64 + 32 + 1) throw new Error('SM2: ciphertext too short');
  const c1 = normalizeSm2PublicKey(ct.subarray(0, 64).toString('hex'));
  const c3 = ct.subarray(64, 96);
  const c2 = ct.subarray(96);
  const s = multiply(d, pointOf(c1));
  const x2 = Buffer.from(hex64(s.x), 'hex');
  const y2 = Buffer.from(hex64(s.y), 'hex');
  const m = xor(c2, kdf(Buffer.concat([x2, y2]), c2.length));
  if (!timingSafeEqual(sm3Bytes(x2, m, y2), c3)) throw new Error('SM2: ciphertext failed its check (C3): wrong key or tampered');
  return m;
}

// ---------------------------------------------------------------------------

const { p } = SM2_CURVE;
const hex = (v: bigint): string => v.toString(16).padStart(64, '0');
const sqrtOrZero = (x: bigint): bigint => {
  try {
    return Sm2Point.Fp.sqrt(Sm2Point.Fp.create(x * x * x + SM2_CURVE.a * x + SM2_CURVE.b));
  } catch {
    return 0n;
  }
};
const bytes = fc.uint8Array({ minLength: 1, maxLength: 200 });

describe('SM2 encryption, table products and C1 validation', () => {
  const pinned = generateSm2KeyPair();
  // Pin the key (a table from its third use on), as the cities' encryption keys are.
  for (let i = 0; i < 3; i++) sm2Encrypt(Buffer.from([i + 1]), pinned.publicKey);

  it('pins a recipient key reused for encryption', () => {
    expect(sm2PublicKeyPoint(pinned.publicKey).pinned).toBe(true);
  });

  it('round-trips random messages of 1..200 bytes to a pinned key (fast-check)', () => {
    fc.assert(
      fc.property(bytes, (m) => {
        const ct = sm2Encrypt(m, pinned.publicKey);
        expect(ct.length).toBe(65 + 32 + m.length);
        expect(sm2Decrypt(ct, pinned.privateKey).equals(Buffer.from(m))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('round-trips to keys seen once (wNAF product), in any hex case of the private key', () => {
    fc.assert(
      fc.property(bytes, (m) => {
        const keys = generateSm2KeyPair();
        const ct = sm2Encrypt(m, keys.publicKey);
        expect(sm2Decrypt(ct, keys.privateKey.toUpperCase()).equals(Buffer.from(m))).toBe(true);
        expect(() => sm2Decrypt(ct, pinned.privateKey)).toThrow(/C3/); // a cached ECDH of another key
      }),
      { numRuns: 20 },
    );
  });

  it('round-trips with the extreme private keys d = 1 ([d]C1 = C1) and d = n − 2', () => {
    for (const d of [1n, SM2_CURVE.n - 2n]) {
      const privateKey = hex(d);
      const publicKey = sm2PublicKeyFromPrivateKey(privateKey);
      const m = randomBytes(40);
      expect(sm2Decrypt(sm2Encrypt(m, publicKey), privateKey).equals(m)).toBe(true);
      expect(sm2Decrypt(legacyEncrypt(m, publicKey), privateKey).equals(m)).toBe(true);
    }
  });

  it('refuses an empty message (its KDF output t is empty, i.e. all zero)', () => {
    expect(() => sm2Encrypt(new Uint8Array(0), pinned.publicKey)).toThrow(RangeError);
  });

  it('computes C1 = [k]G and [k]P_B as @noble/curves does, k in [1, n−1]', () => {
    const key = sm2PublicKeyPoint(pinned.publicKey);
    expect(key.pinned).toBe(true);
    const oneOff = generateSm2KeyPair().publicKey;
    const point = Sm2Point.fromHex(normalizeSm2PublicKey(pinned.publicKey));
    const scalars = fc.oneof(fc.constantFrom(1n, 2n, n - 1n, n - 2n), fc.bigInt({ min: 1n, max: n - 1n }));
    fc.assert(
      fc.property(scalars, (k) => {
        const { c1, shared } = sm2EncryptionProducts(k, key);
        expect(Sm2Point.BASE.multiply(k).toAffine()).toEqual(c1);
        expect(point.multiply(k).toAffine()).toEqual(shared);
        const wnaf = sm2EncryptionProducts(k, sm2VerificationKey(normalizeSm2PublicKey(oneOff))).shared; // not pinned: one use each
        expect(Sm2Point.fromHex(normalizeSm2PublicKey(oneOff)).multiply(k).toAffine()).toEqual(wnaf);
      }),
      { numRuns: 40 },
    );
  });

  it('rejects C1 off the curve, with a coordinate ≥ p, or (0, 0) (the usual encoding of ∞)', () => {
    const ct = sm2Encrypt(Buffer.alloc(32, 9), pinned.publicKey);
    const offCurve = Buffer.from(ct);
    offCurve[64]! ^= 1; // last byte of y1
    expect(() => sm2Decrypt(offCurve, pinned.privateKey)).toThrow(/C1 is not a point on the curve/);
    // A curve point with a small x, written with x + p (< 2^256): the same residue, not a valid encoding.
    let small = 1n;
    while (!sm2IsOnCurve(small, sqrtOrZero(small))) small += 1n;
    const smallY = sqrtOrZero(small);
    const reduced = Buffer.concat([Buffer.from('04' + hex(small) + hex(smallY), 'hex'), ct.subarray(65)]);
    expect(() => sm2Decrypt(reduced, pinned.privateKey)).toThrow(/C3/); // on the curve: gets as far as C3
    const unreduced = Buffer.concat([Buffer.from('04' + hex(small + p) + hex(smallY), 'hex'), ct.subarray(65)]);
    expect(() => sm2Decrypt(unreduced, pinned.privateKey)).toThrow(/C1 is not a point/);
    const infinity = Buffer.from(ct);
    infinity.fill(0, 1, 65);
    expect(() => sm2Decrypt(infinity, pinned.privateKey)).toThrow(/C1 is not a point/);
    expect(sm2IsOnCurve(0n, 0n)).toBe(false);
    expect(sm2IsOnCurve(SM2_CURVE.gx, SM2_CURVE.gy)).toBe(true);
    expect(sm2IsOnCurve(SM2_CURVE.gx, p - SM2_CURVE.gy)).toBe(true);
    expect(sm2IsOnCurve(SM2_CURVE.gx + p, SM2_CURVE.gy)).toBe(false);
  });

  it('rejects a C1 replaced by another curve point, a tampered C3 or C2, a truncated ciphertext (fast-check)', () => {
    const ct = sm2Encrypt(Buffer.alloc(32, 5), pinned.publicKey);
    const other = Buffer.from(Sm2Point.BASE.multiply(12345n).toHex(false), 'hex');
    expect(() => sm2Decrypt(Buffer.concat([other, ct.subarray(65)]), pinned.privateKey)).toThrow(/C3/);
    const negated = Buffer.from(ct); // −C1: same x2, the other y2
    Buffer.from(hex(p - BigInt(`0x${ct.subarray(33, 65).toString('hex')}`)), 'hex').copy(negated, 33);
    expect(() => sm2Decrypt(negated, pinned.privateKey)).toThrow(/C3/);
    expect(() => sm2Decrypt(ct.subarray(0, 97), pinned.privateKey)).toThrow(/too short/);
    fc.assert(
      fc.property(fc.integer({ min: 65, max: ct.length - 1 }), fc.integer({ min: 0, max: 7 }), (at, bit) => {
        const tampered = Buffer.from(ct);
        tampered[at]! ^= 1 << bit;
        expect(() => sm2Decrypt(tampered, pinned.privateKey)).toThrow(/C3/);
      }),
      { numRuns: 100 },
    );
  });

  it('exchanges ciphertexts with the previous implementation, both ways (fast-check)', () => {
    fc.assert(
      fc.property(bytes, fc.boolean(), (m, pinnedKey) => {
        const keys = pinnedKey ? pinned : generateSm2KeyPair();
        expect(legacyDecrypt(sm2Encrypt(m, keys.publicKey), keys.privateKey).equals(Buffer.from(m))).toBe(true);
        expect(sm2Decrypt(legacyEncrypt(m, keys.publicKey), keys.privateKey).equals(Buffer.from(m))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
