import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  JacobianPoint,
  SM2_CURVE,
  Sm2Point,
  Sm2VerificationKey,
  addFixedWindow,
  affineXModNIs,
  buildFixedWindowTable,
  fixedWindowDigits,
  sm2VerificationSum,
  wnafDigits,
} from './sm2.curve.js';

/**
 * The verification arithmetic of sm2.curve.ts against @noble/curves (the reference arithmetic)
 * and against the definitions of the recodings. The GB/T 32918 known answers and the OpenSSL
 * interop (sm2.signer.spec.ts, sm2.openssl.spec.ts) exercise it end to end.
 */
const { n, p, gx, gy } = SM2_CURVE;
const scalar = fc.bigInt({ min: 0n, max: n - 1n });
const edgeScalars = [0n, 1n, 2n, 3n, n - 1n, n - 2n, n >> 1n, (n >> 1n) + 1n, 1n << 255n, (1n << 255n) - 1n, (1n << 224n) + 7n];
const G = Sm2Point.BASE;

const affineOf = (point: JacobianPoint): { x: bigint; y: bigint } | undefined => (point.isInfinity() ? undefined : point.toAffine());
const nobleAffine = (point: typeof G): { x: bigint; y: bigint } | undefined => (point.is0() ? undefined : point.toAffine());

/**
 * A key on a known multiple of G, so the expected sum is [s + t·d]G. Pinned tables are shared by
 * hex, so a key that must stay without a table gets a label no other key has.
 */
let labels = 0;
function keyFor(d: bigint, pinnable = true): Sm2VerificationKey {
  const { x, y } = G.multiply(d).toAffine();
  const hex = pinnable ? `04${x.toString(16).padStart(64, '0')}${y.toString(16).padStart(64, '0')}` : `one-off-${++labels}`;
  return new Sm2VerificationKey(hex, x, y);
}

describe('recodings', () => {
  it.each([5, 8, 10, 12])('fixed window %i: k = Σ d_i·2^(w·i), |d_i| ≤ 2^(w−1)', (w) => {
    const check = (k: bigint) => {
      const digits = fixedWindowDigits(k, w);
      expect(digits.length * w).toBeGreaterThanOrEqual(257);
      let sum = 0n;
      digits.forEach((d, i) => {
        expect(Math.abs(d)).toBeLessThanOrEqual(2 ** (w - 1));
        sum += BigInt(d) << BigInt(w * i);
      });
      expect(sum).toBe(k);
    };
    edgeScalars.forEach(check);
    check((1n << 256n) - 1n);
    fc.assert(
      fc.property(scalar, (k) => check(k)),
      { numRuns: 200 },
    );
  });

  it('width-5 NAF: k = Σ d_i·2^i, nonzero digits odd, below 16 in size, at least 4 zeros apart', () => {
    const check = (k: bigint) => {
      const digits = wnafDigits(k, 5);
      let sum = 0n;
      let last = -Infinity;
      digits.forEach((d, i) => {
        if (d === 0) return;
        expect(Math.abs(d) % 2).toBe(1);
        expect(Math.abs(d)).toBeLessThan(16);
        expect(i - last).toBeGreaterThanOrEqual(5);
        last = i;
        sum += BigInt(d) << BigInt(i);
      });
      expect(sum).toBe(k);
    };
    edgeScalars.forEach(check);
    check((1n << 256n) - 1n);
    fc.assert(
      fc.property(scalar, (k) => check(k)),
      { numRuns: 300 },
    );
  });

  it('rejects scalars of more than 256 bits', () => {
    expect(() => fixedWindowDigits(1n << 256n, 8)).toThrow(RangeError);
    expect(() => wnafDigits(1n << 256n, 5)).toThrow(RangeError);
  });
});

describe('Jacobian arithmetic', () => {
  const twoG = G.double().toAffine();

  it('adds and doubles like @noble/curves, including P + P and P + (−P)', () => {
    const acc = new JacobianPoint().setAffine(gx, gy);
    expect(affineOf(acc.double())).toEqual(twoG);
    expect(affineOf(acc.addAffine(gx, gy))).toEqual(G.multiply(3n).toAffine());
    expect(affineOf(new JacobianPoint().setAffine(gx, gy).addAffine(gx, gy))).toEqual(twoG); // same point: doubling
    expect(
      new JacobianPoint()
        .setAffine(gx, gy)
        .addAffine(gx, p - gy)
        .isInfinity(),
    ).toBe(true); // P + (−P)
    expect(affineOf(new JacobianPoint().addAffine(gx, gy))).toEqual({ x: gx, y: gy }); // ∞ + P
    expect(new JacobianPoint().double().isInfinity()).toBe(true);
    expect(() => new JacobianPoint().toAffine()).toThrow(RangeError);
  });

  it('x mod n is compared without inverting Z, also for x in [n, p)', () => {
    const jacobian = (x: bigint, z: bigint): JacobianPoint => {
      const point = new JacobianPoint();
      point.X = (x * z * z) % p; // only X and Z matter to the comparison
      point.Y = 1n;
      point.Z = z;
      return point;
    };
    const z = 0x1234567n;
    expect(affineXModNIs(jacobian(5n, z), 5n)).toBe(true);
    expect(affineXModNIs(jacobian(n + 5n, z), 5n)).toBe(true); // x ≥ n: x mod n = x − n
    expect(affineXModNIs(jacobian(n + 5n, z), 6n)).toBe(false);
    expect(affineXModNIs(jacobian(5n, z), 6n)).toBe(false);
    const high = p - n + 3n; // c + n ≥ p: only x = c is possible
    expect(affineXModNIs(jacobian(high, z), high)).toBe(true);
    expect(affineXModNIs(new JacobianPoint(), 0n)).toBe(false);
  });
});

describe('fixed-window tables', () => {
  // Windows 8 and 10 (main thread), 10 and 12 (worker threads), 5 (small, many windows).
  it.each([5, 8, 10, 12])('window %i: [k]Q by the table equals @noble/curves', (w) => {
    const Q = G.multiply(0x5eedn);
    const { x, y } = Q.toAffine();
    const table = buildFixedWindowTable(x, y, w);
    expect(table.coords.length).toBe(2 * Math.ceil(257 / w) * 2 ** (w - 1));
    const check = (k: bigint) => {
      const acc = new JacobianPoint();
      addFixedWindow(acc, table, k);
      expect(affineOf(acc)).toEqual(nobleAffine(Q.multiplyUnsafe(k)));
    };
    edgeScalars.forEach(check);
    fc.assert(
      fc.property(scalar, (k) => check(k)),
      { numRuns: 20 },
    );
  });
});

describe('[s]G + [t]P against @noble/curves', () => {
  const expected = (s: bigint, t: bigint, d: bigint) => nobleAffine(G.multiplyUnsafe(s).add(G.multiply(d).multiplyUnsafe(t)));

  it('with a key that has no table (wNAF) and with a pinned key (fixed windows)', () => {
    const d = 0x3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8n;
    const oneOff = () => keyFor(d, false); // a fresh key object has no table until its third use
    const pinned = keyFor(d);
    for (let i = 0; i < 3; i++) sm2VerificationSum(1n, 1n, pinned);
    expect(pinned.pinned).toBe(true);
    const check = (s: bigint, t: bigint) => {
      const want = expected(s, t, d);
      const fresh = oneOff();
      expect(affineOf(sm2VerificationSum(s, t, fresh))).toEqual(want);
      expect(fresh.pinned).toBe(false);
      expect(affineOf(sm2VerificationSum(s, t, pinned))).toEqual(want);
    };
    for (const s of edgeScalars) for (const t of [0n, 1n, n - 1n, s]) check(s, t);
    fc.assert(
      fc.property(scalar, scalar, (s, t) => check(s, t)),
      { numRuns: 60 },
    );
  });

  it('reaches the point at infinity and the doubling case of the mixed addition', () => {
    // P = G (d = 1): [s]G + [n − s]G = ∞, and [s]G + [s]G = [2s]G.
    const one = keyFor(1n);
    for (let i = 0; i < 3; i++) sm2VerificationSum(1n, 1n, one);
    for (const key of [one, keyFor(1n, false)]) {
      for (const s of [1n, 2n, 12345n, n - 1n]) {
        expect(sm2VerificationSum(s, n - s, key).isInfinity()).toBe(true);
        expect(affineOf(sm2VerificationSum(s, s, key))).toEqual(nobleAffine(G.multiply(Sm2Point.Fn.create(2n * s))));
      }
    }
  });
});
