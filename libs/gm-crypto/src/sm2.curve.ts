/**
 * The SM2 recommended curve sm2p256v1 (GB/T 32918.5-2017 §2), and the point arithmetic of SM2
 * signature verification.
 *
 * Products done here: verification's public-scalar [s]G + [t]P_A, and SM2 encryption's [k]G and
 * [k]P_B, whose per-message nonce k is secret (sm2.encryption.ts says what that exposes). Products
 * whose scalar would expose a long-term key (signing's nonce: k gives d from s; key derivation;
 * decryption's [d]C1) stay with Node's OpenSSL-backed `crypto`. `Sm2Point` (@noble/curves) is the reference
 * arithmetic: SM2 decryption uses its field, and the specs check the arithmetic below against it.
 *
 * Verification arithmetic (all variable-time, which is fine: every input is public):
 * - BigInt field arithmetic modulo p, points in Jacobian coordinates (x = X/Z², y = Y/Z³) mutated
 *   in place, a = −3 doubling (dbl-2001-b) and mixed Jacobian + affine addition (madd-2004-hmv)
 *   with the exceptional cases (equal x: doubling or the point at infinity) handled explicitly.
 * - Fixed-window tables of affine multiples j·2^(w·i)·Q (signed digits, no doublings at all) for
 *   the base point and for public keys that verify often; [s]G and [t]P_A add into one
 *   accumulator. Keys without a table multiply by a width-5 wNAF (256 doublings).
 * - No inversion at the end: x1 = X/Z², so (e + x1) mod n = r is checked as X = (r − e mod n)·Z²
 *   (or with + n when that is still below p), as libsecp256k1 does for ECDSA.
 */
import { isMainThread } from 'node:worker_threads';
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

const { p: P, a: A, b: B, gx: GX, gy: GY, n: N } = SM2_CURVE;
export const Sm2Point = weierstrass<bigint>({ p: P, n: N, h: 1n, a: A, b: B, Gx: GX, Gy: GY });
/** Arithmetic modulo the group order n. */
export const Fn = Sm2Point.Fn;
const Fp = Sm2Point.Fp;

// ---------------------------------------------------------------------------
// Jacobian arithmetic (a = −3)
// ---------------------------------------------------------------------------

/** a mod p for any a (BigInt % keeps the sign of the dividend). */
const mod = (a: bigint): bigint => {
  const r = a % P;
  return r < 0n ? r + P : r;
};

/**
 * A point in Jacobian coordinates, mutated in place (no allocation per step besides BigInts).
 * Z = 0 is the point at infinity. Coordinates are kept reduced to [0, p).
 * @internal exported for the specs
 */
export class JacobianPoint {
  X = 0n;
  Y = 1n;
  Z = 0n;

  isInfinity(): boolean {
    return this.Z === 0n;
  }

  setInfinity(): this {
    this.X = 0n;
    this.Y = 1n;
    this.Z = 0n;
    return this;
  }

  setAffine(x: bigint, y: bigint): this {
    this.X = x;
    this.Y = y;
    this.Z = 1n;
    return this;
  }

  /** this = 2·this. dbl-2001-b (a = −3): 3M + 5S. */
  double(): this {
    const { X, Y, Z } = this;
    if (Z === 0n || Y === 0n) return this.setInfinity(); // y = 0 cannot occur in a group of odd order
    const delta = (Z * Z) % P;
    const gamma = (Y * Y) % P;
    const beta = (X * gamma) % P;
    const alpha = mod(3n * (X - delta) * (X + delta));
    const X3 = mod(alpha * alpha - 8n * beta);
    this.Z = mod((Y + Z) * (Y + Z) - gamma - delta);
    this.Y = mod(alpha * (4n * beta - X3) - 8n * gamma * gamma);
    this.X = X3;
    return this;
  }

  /** this = this + (x, y) for an affine point (x, y) ≠ ∞. madd-2004-hmv: 8M + 3S. */
  addAffine(x: bigint, y: bigint): this {
    const { X, Y, Z } = this;
    if (Z === 0n) return this.setAffine(x, y);
    const zz = (Z * Z) % P;
    const h = ((x * zz) % P) - X; // U2 − X1, in (−p, p)
    const r = ((y * ((Z * zz) % P)) % P) - Y; // S2 − Y1
    if (h === 0n) return r === 0n ? this.double() : this.setInfinity(); // same x: P + P or P + (−P)
    const hh = (h * h) % P;
    const hhh = (h * hh) % P; // sign of h; reduced below
    const v = (X * hh) % P;
    const X3 = mod(r * r - hhh - 2n * v);
    this.Y = mod(r * (v - X3) - Y * hhh);
    this.X = X3;
    this.Z = mod(Z * h);
    return this;
  }

  /** Affine (x, y); throws for the point at infinity. One inversion. */
  toAffine(): { x: bigint; y: bigint } {
    if (this.Z === 0n) throw new RangeError('the point at infinity has no affine coordinates');
    const zi = Fp.inv(this.Z);
    const zi2 = (zi * zi) % P;
    return { x: (this.X * zi2) % P, y: (this.Y * ((zi2 * zi) % P)) % P };
  }
}

/** Affine coordinates of many Jacobian points (none at infinity) with one inversion (Montgomery's trick). */
function batchToAffine(points: readonly JacobianPoint[]): bigint[] {
  const count = points.length;
  const prefix = new Array<bigint>(count);
  let acc = 1n;
  for (let i = 0; i < count; i++) {
    const z = points[i]!.Z;
    if (z === 0n) throw new RangeError('unexpected point at infinity in a table');
    acc = (acc * z) % P;
    prefix[i] = acc;
  }
  let inv = Fp.inv(acc);
  const coords = new Array<bigint>(2 * count);
  for (let i = count - 1; i >= 0; i--) {
    const point = points[i]!;
    const zi = i === 0 ? inv : (inv * prefix[i - 1]!) % P;
    inv = (inv * point.Z) % P;
    const zi2 = (zi * zi) % P;
    coords[2 * i] = (point.X * zi2) % P;
    coords[2 * i + 1] = (point.Y * ((zi2 * zi) % P)) % P;
  }
  return coords;
}

// ---------------------------------------------------------------------------
// Scalar recodings (on 32-bit words, not BigInt shifts)
// ---------------------------------------------------------------------------

/** Little-endian 32-bit words of a scalar in [0, 2^256), with zero words to read past bit 256. */
function scalarWords(k: bigint): Uint32Array {
  const hex = k.toString(16).padStart(64, '0');
  if (hex.length > 64) throw new RangeError('scalar out of range');
  const words = new Uint32Array(10);
  for (let i = 0; i < 8; i++) words[i] = Number.parseInt(hex.slice(56 - 8 * i, 64 - 8 * i), 16);
  return words;
}

/** `length` (≤ 24) bits of `words` from bit `position`. */
function bitsAt(words: Uint32Array, position: number, length: number): number {
  const index = position >>> 5;
  const offset = position & 31;
  let value = words[index]! >>> offset;
  if (offset + length > 32) value |= words[index + 1]! << (32 - offset);
  return value & ((1 << length) - 1);
}

/** Windows of a fixed-window table with window w: w·windows ≥ 257 leaves room for the final carry. */
const windowsFor = (window: number): number => Math.ceil(257 / window);

/**
 * Signed fixed-window digits: k = Σ d_i·2^(w·i), d_i ∈ (−2^(w−1), 2^(w−1)].
 * @internal exported for the specs
 */
export function fixedWindowDigits(k: bigint, window: number): Int32Array {
  const windows = windowsFor(window);
  const size = 1 << window;
  const half = size >> 1;
  const words = scalarWords(k);
  const digits = new Int32Array(windows);
  let carry = 0;
  for (let i = 0; i < windows; i++) {
    let digit = bitsAt(words, i * window, window) + carry;
    carry = 0;
    if (digit > half) {
      digit -= size;
      carry = 1;
    }
    digits[i] = digit;
  }
  if (carry !== 0) throw new RangeError('scalar out of range');
  return digits;
}

/**
 * Width-w NAF: k = Σ d_i·2^i, each nonzero d_i odd with |d_i| < 2^(w−1), followed by at least w−1 zeros.
 * @internal exported for the specs
 */
export function wnafDigits(k: bigint, window: number): Int8Array {
  const words = scalarWords(k);
  const size = 1 << window;
  const half = size >> 1;
  const digits = new Int8Array(258 + window);
  let carry = 0;
  for (let i = 0; i < 258;) {
    const bit = bitsAt(words, i, 1);
    if (bit === carry) {
      i += 1; // (bit + carry) is even: digit 0, carry unchanged (0 + 0 or 1 + 1 → carry 1)
      continue;
    }
    const value = bitsAt(words, i, window) + carry; // odd
    let digit = value & (size - 1);
    if (digit >= half) digit -= size;
    digits[i] = digit;
    carry = (value - digit) >> window; // 0 or 1
    i += window;
  }
  if (carry !== 0) throw new RangeError('scalar out of range');
  return digits;
}

// ---------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------

/** Affine multiples j·2^(w·i)·Q for j = 1..2^(w−1), flattened as x, y. @internal */
export interface FixedWindowTable {
  readonly window: number;
  readonly coords: readonly bigint[];
}

/**
 * Builds the fixed-window table of an affine point of order n (no multiple is ∞: n is prime and > 2^(w−1)).
 * @internal exported for the specs
 */
export function buildFixedWindowTable(x: bigint, y: bigint, window: number): FixedWindowTable {
  const windows = windowsFor(window);
  const half = 1 << (window - 1);
  const points: JacobianPoint[] = [];
  let bx = x;
  let by = y;
  for (let i = 0; i < windows; i++) {
    const acc = new JacobianPoint().setAffine(bx, by);
    for (let j = 1; j <= half; j++) {
      if (j > 1) acc.addAffine(bx, by);
      const copy = new JacobianPoint();
      copy.X = acc.X;
      copy.Y = acc.Y;
      copy.Z = acc.Z;
      points.push(copy);
    }
    if (i + 1 < windows) ({ x: bx, y: by } = acc.double().toAffine()); // 2·(2^(w−1)·base) = 2^w·base
  }
  return { window, coords: batchToAffine(points) };
}

/**
 * acc += [k]Q by the table of Q: one mixed addition per nonzero digit, no doubling.
 * @internal exported for the specs
 */
export function addFixedWindow(acc: JacobianPoint, table: FixedWindowTable, k: bigint): void {
  const { window, coords } = table;
  const half = 1 << (window - 1);
  const digits = fixedWindowDigits(k, window);
  for (let i = 0; i < digits.length; i++) {
    const digit = digits[i]!;
    if (digit === 0) continue;
    const at = 2 * (i * half + Math.abs(digit) - 1);
    const y = coords[at + 1]!;
    acc.addAffine(coords[at]!, digit > 0 ? y : P - y);
  }
}

/** Width-5 wNAF product [k]Q for a point without a table: 256 doublings, ~43 additions. */
const WNAF_WINDOW = 5;

function addWnaf(acc: JacobianPoint, x: bigint, y: bigint, k: bigint): void {
  // Odd multiples Q, 3Q, ..., 15Q, made affine with one inversion.
  const twice = new JacobianPoint().setAffine(x, y).double().toAffine();
  const odd: JacobianPoint[] = [];
  const running = new JacobianPoint().setAffine(x, y);
  for (let i = 0; i < 1 << (WNAF_WINDOW - 2); i++) {
    if (i > 0) running.addAffine(twice.x, twice.y);
    const copy = new JacobianPoint();
    copy.X = running.X;
    copy.Y = running.Y;
    copy.Z = running.Z;
    odd.push(copy);
  }
  const coords = batchToAffine(odd);
  const digits = wnafDigits(k, WNAF_WINDOW);
  let top = digits.length - 1;
  while (top >= 0 && digits[top] === 0) top--;
  if (!acc.isInfinity() && top >= 0) throw new Error('addWnaf: the accumulator must start at infinity');
  for (let i = top; i >= 0; i--) {
    acc.double();
    const digit = digits[i]!;
    if (digit === 0) continue;
    const at = Math.abs(digit) - 1; // = 2·((|d| − 1) / 2)
    const yy = coords[at + 1]!;
    acc.addAffine(coords[at]!, digit > 0 ? yy : P - yy);
  }
}

/**
 * Table windows. A verification with a pinned key costs about windows(G) + windows(P_A) mixed
 * additions; a table holds windows × 2^(w−1) affine points and is built once per thread.
 * - On the main thread, where building a table stalls the event loop: G window 10 (26 × 512
 *   points, ~1.5 MB), keys window 8 (33 × 128 points, ~0.6 MB): ~59 additions.
 * - On worker threads (`Sm2VerifyPool`), which build the base table at start, off the event loop:
 *   G window 12 (22 × 2048, ~5 MB, ~2.5 times as long to build), keys window 10 (26 × 512,
 *   ~1.6 MB): ~48 additions, ~18 % less CPU per verification.
 */
const BASE_WINDOW = isMainThread ? 10 : 12;
const KEY_WINDOW = isMainThread ? 8 : 10;
let baseTable: FixedWindowTable | undefined;
const base = (): FixedWindowTable => (baseTable ??= buildFixedWindowTable(GX, GY, BASE_WINDOW));

// ---------------------------------------------------------------------------
// Verification keys and the verification equation
// ---------------------------------------------------------------------------

/**
 * Public keys that verify often (the cities' event keys, issuers' keys) get a table of their own on
 * their third verification. At most MAX_PINNED keys get one, never evicted, so a stream of one-off
 * keys cannot make the thread rebuild tables; the others multiply by a width-5 wNAF, several times
 * slower (docs/performance.md, "SM2"). Each thread (e.g. each worker of `Sm2VerifyPool`) has its own.
 */
const PIN_AFTER_USES = 3;
const MAX_PINNED = 16;
const pinned = new Map<string, Sm2VerificationKey>();

/** A validated public key's affine point, with its table once it is pinned. */
export class Sm2VerificationKey {
  #uses = 0;
  #table: FixedWindowTable | undefined;

  /** Use {@link sm2VerificationKey}. */
  constructor(
    readonly hex: string,
    readonly x: bigint,
    readonly y: bigint,
  ) {}

  get pinned(): boolean {
    return this.#table !== undefined;
  }

  /** Counts a use; returns the table if the key is (now) pinned. */
  tableForUse(): FixedWindowTable | undefined {
    if (this.#table) return this.#table;
    const other = pinned.get(this.hex); // the same key reached through another encoding (PEM, compressed)
    if (other) return (this.#table = other.#table);
    if (pinned.size >= MAX_PINNED || ++this.#uses < PIN_AFTER_USES) return undefined;
    this.#table = buildFixedWindowTable(this.x, this.y, KEY_WINDOW);
    pinned.set(this.hex, this);
    return this.#table;
  }
}

/**
 * The verification key for a validated uncompressed public key `04||x||y` (lowercase hex; the
 * caller has checked that the point is on the curve): the pinned one if there is one.
 */
export function sm2VerificationKey(uncompressedHex: string): Sm2VerificationKey {
  return (
    pinned.get(uncompressedHex) ??
    new Sm2VerificationKey(uncompressedHex, BigInt(`0x${uncompressedHex.slice(2, 66)}`), BigInt(`0x${uncompressedHex.slice(66, 130)}`))
  );
}

/**
 * [s]G + [t]P as a Jacobian point (∞ possible). s, t in [0, n).
 * @internal exported for the specs
 */
export function sm2VerificationSum(s: bigint, t: bigint, key: Sm2VerificationKey): JacobianPoint {
  const acc = new JacobianPoint();
  const table = key.tableForUse();
  if (table) addFixedWindow(acc, table, t);
  else addWnaf(acc, key.x, key.y, t); // starts from ∞: the doublings must come first
  addFixedWindow(acc, base(), s);
  return acc;
}

/**
 * GB/T 32918.2 §7.1 B5–B7 for r, s in [1, n) and e = SM3(Z_A ‖ M) as an integer:
 * t = (r + s) mod n ≠ 0, (x1, y1) = [s]G + [t]P_A ≠ ∞, accept iff (e + x1) mod n = r.
 */
export function sm2VerifyEquation(key: Sm2VerificationKey, e: bigint, r: bigint, s: bigint): boolean {
  const t = Fn.create(r + s);
  if (t === 0n) return false;
  return affineXModNIs(sm2VerificationSum(s, t, key), Fn.create(r - e));
}

/**
 * Whether x mod n = c for the affine x = X/Z² of a Jacobian point (false for ∞), without an
 * inversion: x is in [0, p) and 2n > p, so x mod n = c ⇔ x = c or x = c + n.
 * @internal exported for the specs
 */
export function affineXModNIs(point: JacobianPoint, c: bigint): boolean {
  if (point.isInfinity()) return false;
  const zz = (point.Z * point.Z) % P;
  if ((c * zz) % P === point.X) return true;
  return c + N < P && ((c + N) * zz) % P === point.X;
}

// ---------------------------------------------------------------------------
// Products for SM2 encryption (sm2.encryption.ts)
// ---------------------------------------------------------------------------

/**
 * [k]G and [k]Q (affine) for k in [1, n): the base table and the key's table once the key is pinned
 * (the same pinned-key mechanism as verification, sharing its MAX_PINNED slots), else a width-5 wNAF.
 * Both results made affine with one inversion. Variable-time BigInt arithmetic: the caller
 * (`sm2Encrypt`) documents what that exposes (the per-message nonce k).
 * @internal
 */
export function sm2EncryptionProducts(
  k: bigint,
  key: Sm2VerificationKey,
): { c1: { x: bigint; y: bigint }; shared: { x: bigint; y: bigint } } {
  const kg = new JacobianPoint();
  addFixedWindow(kg, base(), k);
  const kq = new JacobianPoint();
  const table = key.tableForUse();
  if (table) addFixedWindow(kq, table, k);
  else addWnaf(kq, key.x, key.y, k);
  // k in [1, n) and both points of order n: neither product is ∞ (batchToAffine would throw).
  const [x1, y1, x2, y2] = batchToAffine([kg, kq]);
  return { c1: { x: x1!, y: y1! }, shared: { x: x2!, y: y2! } };
}

/**
 * [k]Q for an affine point Q of order n without a table (width-5 wNAF), affine; ∞ throws.
 * @internal used by the bench and specs to compare with OpenSSL's product
 */
export function sm2MultiplyVariable(k: bigint, x: bigint, y: bigint): { x: bigint; y: bigint } {
  const acc = new JacobianPoint();
  addWnaf(acc, x, y, k);
  return acc.toAffine();
}

/** Whether (x, y) with x, y in [0, p) satisfies y² = x³ + ax + b (a finite point of sm2p256v1). */
export function sm2IsOnCurve(x: bigint, y: bigint): boolean {
  if (x < 0n || x >= P || y < 0n || y >= P) return false;
  return (y * y) % P === mod(((x * x) % P) * x + A * x + B);
}
