import { createECDH, randomBytes, timingSafeEqual, type ECDH } from 'node:crypto';
import { DER_TAG, derInteger, derSequence, derTlv, decodeDerUnsignedInteger, readDerChildren, readDerExact } from './asn1.js';
import { SM2_CURVE, Sm2Point, sm2EncryptionProducts, sm2IsOnCurve } from './sm2.curve.js';
import { normalizeSm2PrivateKey, sm2PublicKeyPoint } from './sm2.signer.js';
import { sm3Bytes } from './sm3.js';

/**
 * SM2 public-key encryption (GB/T 32918.4 / GM/T 0003.4), used to wrap one-time data keys for a
 * receiving city. Ciphertext layout C1‖C3‖C2 (the current standard's order):
 *   C1 = [k]G (04‖x1‖y1), C3 = SM3(x2‖M‖y2), C2 = M ⊕ KDF(x2‖y2, |M|), with (x2, y2) = [k]P_B.
 *
 * Encryption (§6.1): k uniform in [1, n−1] from Node's CSPRNG (rejection sampling of 256 random
 * bits); C1 = [k]G and [k]P_B by the BigInt arithmetic of `sm2.curve.ts`: the base point's
 * fixed-window table, and the recipient key's table once it is pinned (recipients are the cities'
 * pinned encryption keys; the same pinned-key mechanism as verification), both made affine with
 * one inversion. S = [h]P_B with h = 1 is P_B itself, not ∞: `normalizeSm2PublicKey` has checked
 * that P_B is a finite point on the curve. A KDF output t of all zeros restarts with a new k.
 *
 * Decryption (§7.1): C1 is checked to be a finite point on the curve (x, y < p, y² = x³ + ax + b)
 * before anything else. [d_B]C1 is OpenSSL's (Node's ECDH), which yields only x2: y2 follows from
 * x2, x([d_B + 1]C1) = x([d_B]C1 + C1) (a second OpenSSL product) and C1 by one field division. Two ECDH
 * objects per private key (d_B and d_B + 1), their keys set once. (Choosing y2 by whichever root
 * makes C3 check would save that product but accept −C1 in place of C1, which the standard
 * rejects: a test checks that it is rejected.)
 *
 * Timing (JS BigInt is not constant-time; OpenSSL's EC scalar multiplication for a secret scalar
 * is a ladder with constant-time swaps):
 * - Encryption's k goes through variable-time JS: the digit-dependent table reads, the skipped
 *   zero digits and BigInt operand sizes can leak information about k to an attacker who can time
 *   or cache-probe this process. k is a fresh per-message secret: what leaks about one k helps
 *   against that one message's data key only (recovering it needs nearly all of k, or a discrete
 *   log in the remaining range), and nothing accumulates across messages or reaches a long-term
 *   key. Accepted for a ~×8 cheaper hot path (docs/performance.md, "SM2"). OpenSSL cannot do it
 *   cheaply through Node: its ECDH gives only x of [k]P_B, and y needs a second secret product.
 * - Decryption's d_B is the long-term private key, used on every received ciphertext, with C1
 *   chosen by whoever sends one: timing leaks would accumulate, so [d_B]C1 stays with OpenSSL. The
 *   JS left on that path is a few field products on x2 and x3 (this message's shared point,
 *   not d_B) and an inversion of the public 2·y1.
 */

const { a, b, n, p } = SM2_CURVE;
const Fp = Sm2Point.Fp;
const hex64 = (v: bigint): string => v.toString(16).padStart(64, '0');
const bytes32 = (v: bigint): Buffer => Buffer.from(hex64(v), 'hex');
const big = (buf: Buffer): bigint => BigInt(`0x${buf.toString('hex') || '0'}`);

/** GM/T 0003.4 KDF with SM3. */
const kdf = (z: Buffer, length: number): Buffer => {
  const blocks: Buffer[] = [];
  const c = Buffer.alloc(4);
  for (let ct = 1; blocks.length * 32 < length; ct += 1) {
    c.writeUInt32BE(ct);
    blocks.push(sm3Bytes(z, c));
  }
  return Buffer.concat(blocks).subarray(0, length);
};

const allZero = (t: Buffer): boolean => t.every((v) => v === 0);
const xor = (m: Buffer, t: Buffer): Buffer => Buffer.from(m.map((v, i) => v ^ t[i]!));

/** Uniform in [1, n−1]: 256 CSPRNG bits, rejected outside (probability ~2⁻³²). */
const randomScalar = (): bigint => {
  for (;;) {
    const k = big(randomBytes(32));
    if (k >= 1n && k < n) return k;
  }
};

/** Encrypts to an SM2 public key; returns C1‖C3‖C2 (C1 uncompressed, with its 04 prefix). */
export function sm2Encrypt(message: Uint8Array, publicKey: string): Buffer {
  if (message.length === 0) throw new RangeError('SM2: nothing to encrypt');
  const key = sm2PublicKeyPoint(publicKey); // validated (finite, on the curve), cached per string
  const m = Buffer.from(message);
  for (;;) {
    const k = randomScalar();
    const { c1, shared } = sm2EncryptionProducts(k, key);
    const x2 = bytes32(shared.x);
    const y2 = bytes32(shared.y);
    const t = kdf(Buffer.concat([x2, y2]), m.length);
    if (allZero(t)) continue; // §6.1 A5: back to A1
    const c3 = sm3Bytes(x2, m, y2);
    return Buffer.concat([Buffer.from([4]), bytes32(c1.x), bytes32(c1.y), c3, xor(m, t)]);
  }
}

/**
 * Per private key (by the string given, at most 16): ECDH objects holding d and d + 1, their keys
 * set once (setPrivateKey also computes a product with G, the bulk of the previous cost).
 */
interface DecryptionKey {
  readonly d: ECDH;
  readonly dPlusOne: ECDH;
}
const MAX_DECRYPTION_KEYS = 16;
const decryptionKeys = new Map<string, DecryptionKey>();

const decryptionKey = (privateKey: string): DecryptionKey => {
  let key = decryptionKeys.get(privateKey);
  if (!key) {
    const d = BigInt(`0x${normalizeSm2PrivateKey(privateKey)}`); // d in [1, n − 2]: d + 1 < n
    const ecdh = (scalar: bigint): ECDH => {
      const e = createECDH('SM2');
      e.setPrivateKey(bytes32(scalar));
      return e;
    };
    key = { d: ecdh(d), dPlusOne: ecdh(d + 1n) };
    if (decryptionKeys.size >= MAX_DECRYPTION_KEYS) decryptionKeys.delete(decryptionKeys.keys().next().value!);
    decryptionKeys.set(privateKey, key);
  }
  return key;
};

/**
 * (x2, y2) = [d]C1 from OpenSSL's x2 = x([d]C1) and x3 = x([d + 1]C1) = x([d]C1 + C1). With
 * C1 = (x1, y1) and λ = (y1 − y2)/(x1 − x2) the slope of the addition, x3 = λ² − x2 − x1, so
 * (y1 − y2)² = (x3 + x2 + x1)(x1 − x2)², and with y2² = x2³ + ax2 + b that is linear in y2:
 *   y2 = (y1² + x2³ + ax2 + b − (x3 + x2 + x1)(x1 − x2)²) / (2·y1)
 * (y1 ≠ 0: the group has odd order). No square root; the one inversion is of the public 2·y1.
 * C1 is a validated finite point.
 */
const decryptionProduct = (key: DecryptionKey, c1: Buffer, x1: bigint, y1: bigint): { x: bigint; y: bigint } => {
  const x2 = big(key.d.computeSecret(c1));
  // Same x as C1: [d]C1 = ±C1, so d ≡ ±1 (mod n); d = n − 1 is out of range, so [d]C1 = C1.
  if (x2 === x1) return { x: x2, y: y1 };
  const x3 = big(key.dPlusOne.computeSecret(c1));
  const dx = Fp.sub(x1, x2);
  const numerator = Fp.create(y1 * y1 + x2 * x2 * x2 + a * x2 + b - (x3 + x2 + x1) * ((dx * dx) % p));
  return { x: x2, y: Fp.div(numerator, Fp.create(2n * y1)) };
};

/** Decrypts C1‖C3‖C2 (C1 uncompressed, with its 04 prefix). Throws when C1 is not a curve point or C3 does not check. */
export function sm2Decrypt(ciphertext: Uint8Array, privateKey: string): Buffer {
  const key = decryptionKey(privateKey);
  if (ciphertext[0] !== 0x04) throw new Error('SM2: C1 must be an uncompressed point (04…)');
  const ct = Buffer.from(ciphertext);
  if (ct.length < 1 + 64 + 32 + 1) throw new Error('SM2: ciphertext too short');
  const c1 = ct.subarray(0, 65);
  const c1x = big(c1.subarray(1, 33));
  const c1y = big(c1.subarray(33, 65));
  // §7.1 B1: C1 must satisfy the curve equation (and S = [h]C1 = C1 ≠ ∞, h = 1: a finite point).
  if (!sm2IsOnCurve(c1x, c1y)) throw new Error('SM2: C1 is not a point on the curve');
  const c3 = ct.subarray(65, 97);
  const c2 = ct.subarray(97);
  let s: { x: bigint; y: bigint };
  try {
    s = decryptionProduct(key, c1, c1x, c1y);
  } catch (cause) {
    throw new Error('SM2: cannot compute [d]C1', { cause });
  }
  const x2 = bytes32(s.x);
  const y2 = bytes32(s.y);
  const t = kdf(Buffer.concat([x2, y2]), c2.length);
  if (allZero(t)) throw new Error('SM2: KDF output is all zero'); // §7.1 B4
  const m = xor(c2, t);
  if (!timingSafeEqual(sm3Bytes(x2, m, y2), c3)) throw new Error('SM2: ciphertext failed its check (C3): wrong key or tampered');
  return m;
}

/** C1‖C3‖C2 → the ASN.1 DER form OpenSSL and GM/T 0009 use: SEQUENCE { x1 INTEGER, y1 INTEGER, C3 OCTET STRING, C2 OCTET STRING }. */
export function sm2CiphertextToDer(ciphertext: Uint8Array): Buffer {
  if (ciphertext[0] !== 0x04) throw new Error('SM2: C1 must be an uncompressed point (04…)');
  const ct = Buffer.from(ciphertext).subarray(1);
  return derSequence(
    derInteger(big(ct.subarray(0, 32))),
    derInteger(big(ct.subarray(32, 64))),
    derTlv(DER_TAG.OCTET_STRING, ct.subarray(64, 96)),
    derTlv(DER_TAG.OCTET_STRING, ct.subarray(96)),
  );
}

/** The ASN.1 DER form → C1‖C3‖C2 (with the 04 prefix). */
export function sm2CiphertextFromDer(der: Uint8Array): Buffer {
  const seq = readDerExact(der, DER_TAG.SEQUENCE);
  const [x, y, c3, c2] = readDerChildren(seq.value);
  if (
    !x ||
    !y ||
    !c3 ||
    !c2 ||
    x.tag !== DER_TAG.INTEGER ||
    y.tag !== DER_TAG.INTEGER ||
    c3.tag !== DER_TAG.OCTET_STRING ||
    c2.tag !== DER_TAG.OCTET_STRING
  ) {
    throw new Error('SM2: not an SM2 ciphertext structure');
  }
  return Buffer.concat([
    Buffer.from([4]),
    Buffer.from(hex64(decodeDerUnsignedInteger(x.value)), 'hex'),
    Buffer.from(hex64(decodeDerUnsignedInteger(y.value)), 'hex'),
    c3.value,
    c2.value,
  ]);
}
