/**
 * The SM2 recommended curve sm2p256v1 (GB/T 32918.5-2017 §2) as @noble/curves short-Weierstrass
 * points, and the precomputed tables that make verification against pinned keys fast.
 *
 * Only public-scalar products are done here (signature verification: [s]G + [t]P_A). Products
 * with secret scalars (the nonce point [k]G, key derivation, encryption) stay with Node's
 * OpenSSL-backed `crypto`.
 */
import { weierstrass, type WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';

/** Domain parameters of sm2p256v1 (GB/T 32918.5-2017 §2). */
export const SM2_CURVE = Object.freeze({
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
});

export type Sm2Point = WeierstrassPoint<bigint>;

const { p, a, b, gx, gy, n } = SM2_CURVE;
export const Sm2Point = weierstrass<bigint>({ p, n, h: 1n, a, b, Gx: gx, Gy: gy });
/** Arithmetic modulo the group order n. */
export const Fn = Sm2Point.Fn;

/** Window 8: a ~1 MB table per point, built once (~80 ms), then [x]P costs ~0.3 ms. */
const TABLE_WINDOW = 8;
Sm2Point.BASE.precompute(TABLE_WINDOW); // built lazily, on the first verification

/**
 * Public keys that verify often (the cities' event keys, issuers' keys) get a table of their
 * own on their third verification. At most MAX_PINNED keys get one (no eviction, so a stream
 * of one-off keys cannot make the node rebuild tables); the others multiply by a width-4 wNAF,
 * several times slower (docs/performance.md, "SM2").
 */
const PIN_AFTER_USES = 3;
const MAX_PINNED = 16;
const MAX_TRACKED = 1024;
const pinned = new Map<string, Sm2Point>();
const uses = new Map<string, number>();

const pointOf = (uncompressedHex: string): Sm2Point => Sm2Point.fromHex(uncompressedHex);

function pinnedPoint(uncompressedHex: string): Sm2Point | undefined {
  const hit = pinned.get(uncompressedHex);
  if (hit || pinned.size >= MAX_PINNED) return hit;
  const count = (uses.get(uncompressedHex) ?? 0) + 1;
  if (count < PIN_AFTER_USES) {
    if (uses.size >= MAX_TRACKED) uses.clear();
    uses.set(uncompressedHex, count);
    return undefined;
  }
  uses.delete(uncompressedHex);
  const point = pointOf(uncompressedHex).precompute(TABLE_WINDOW, false);
  pinned.set(uncompressedHex, point);
  return point;
}

/**
 * x1 of (x1, y1) = [s]G + [t]P for a validated uncompressed public key `04||x||y` (hex), or
 * undefined when the sum is the point at infinity. s, t in [0, n-1].
 */
export function sm2VerificationX(s: bigint, t: bigint, publicKey: string): bigint | undefined {
  const table = pinnedPoint(publicKey);
  const sum = Sm2Point.BASE.multiplyUnsafe(s).add((table ?? pointOf(publicKey)).multiplyUnsafe(t));
  return sum.is0() ? undefined : sum.toAffine().x;
}
