import { createECDH, randomBytes, timingSafeEqual, type ECDH } from 'node:crypto';
import { DER_TAG, derInteger, derSequence, derTlv, decodeDerUnsignedInteger, readDerChildren, readDerExact } from './asn1.js';
import { SM2_CURVE, Sm2Point, sm2EncryptionProducts, sm2IsOnCurve, sm2VerificationKey } from './sm2.curve.js';
import { normalizeSm2PrivateKey, normalizeSm2PublicKey } from './sm2.signer.js';
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
 * before anything else; x2 of [d_B]C1 is OpenSSL's (Node's ECDH, one object per private key, its
 * key set once); y2 is ±√(x2³ + ax2 + b), and of the two candidates the one whose u = SM3(x2‖M′‖y2)
 * equals C3 is the product (the other would need an SM3 collision). Both candidates are always
 * computed. Same accept/reject and plaintext as computing (x2, y2) = [d_B]C1 directly.
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
 *   JS left on that path is the square root (a fixed exponent, x2 of this message only) and the
 *   KDF/SM3 of both candidates.
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
  const key = sm2VerificationKey(normalizeSm2PublicKey(publicKey));
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

/** One ECDH object per private key (its key set once: setPrivateKey also computes [d]G). */
const MAX_DECRYPTION_KEYS = 16;
const decryptionKeys = new Map<string, ECDH>();

const decryptionEcdh = (privateKey: string): ECDH => {
  let ecdh = decryptionKeys.get(privateKey);
  if (!ecdh) {
    ecdh = createECDH('SM2');
    ecdh.setPrivateKey(Buffer.from(normalizeSm2PrivateKey(privateKey), 'hex'));
    if (decryptionKeys.size >= MAX_DECRYPTION_KEYS) decryptionKeys.delete(decryptionKeys.keys().next().value!);
    decryptionKeys.set(privateKey, ecdh);
  }
  return ecdh;
};

/** Decrypts C1‖C3‖C2 (C1 uncompressed, with its 04 prefix). Throws when C1 is not a curve point or C3 does not check. */
export function sm2Decrypt(ciphertext: Uint8Array, privateKey: string): Buffer {
  const ecdh = decryptionEcdh(privateKey);
  if (ciphertext[0] !== 0x04) throw new Error('SM2: C1 must be an uncompressed point (04…)');
  const ct = Buffer.from(ciphertext);
  if (ct.length < 1 + 64 + 32 + 1) throw new Error('SM2: ciphertext too short');
  const c1 = ct.subarray(0, 65);
  if (!sm2IsOnCurve(big(c1.subarray(1, 33)), big(c1.subarray(33, 65)))) throw new Error('SM2: C1 is not a point on the curve');
  const c3 = ct.subarray(65, 97);
  const c2 = ct.subarray(97);
  let x: bigint;
  try {
    x = big(ecdh.computeSecret(c1));
  } catch (cause) {
    throw new Error('SM2: C1 is not a point on the curve', { cause });
  }
  const y = Fp.sqrt(Fp.create(x * x * x + a * x + b)); // x is x of a curve point: the square root exists
  const x2 = bytes32(x);
  let plain: Buffer | undefined;
  for (const candidate of [y, p - y]) {
    const y2 = bytes32(candidate);
    const t = kdf(Buffer.concat([x2, y2]), c2.length);
    const m = xor(c2, t);
    const ok = timingSafeEqual(sm3Bytes(x2, m, y2), c3) && !allZero(t);
    if (ok) plain = m;
  }
  if (!plain) throw new Error('SM2: ciphertext failed its check (C3): wrong key or tampered');
  return plain;
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
  if (!x || !y || !c3 || !c2 || x.tag !== DER_TAG.INTEGER || y.tag !== DER_TAG.INTEGER || c3.tag !== DER_TAG.OCTET_STRING || c2.tag !== DER_TAG.OCTET_STRING) {
    throw new Error('SM2: not an SM2 ciphertext structure');
  }
  return Buffer.concat([Buffer.from([4]), Buffer.from(hex64(decodeDerUnsignedInteger(x.value)), 'hex'), Buffer.from(hex64(decodeDerUnsignedInteger(y.value)), 'hex'), c3.value, c2.value]);
}
