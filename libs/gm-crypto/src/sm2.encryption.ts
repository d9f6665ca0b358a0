import { createECDH, randomBytes, timingSafeEqual } from 'node:crypto';
import { DER_TAG, derInteger, derSequence, derTlv, decodeDerUnsignedInteger, readDerChildren, readDerExact } from './asn1.js';
import { SM2_CURVE, Sm2Point } from './sm2.curve.js';
import { normalizeSm2PrivateKey, normalizeSm2PublicKey } from './sm2.signer.js';
import { sm3Bytes } from './sm3.js';

/**
 * SM2 public-key encryption (GB/T 32918.4 / GM/T 0003.4), used to wrap one-time data keys for a
 * receiving city. Ciphertext layout C1‖C3‖C2 (the current standard's order):
 *   C1 = [k]G (04‖x1‖y1), C3 = SM3(x2‖M‖y2), C2 = M ⊕ KDF(x2‖y2, |M|), with (x2, y2) = [k]P.
 *
 * The scalar multiplications are OpenSSL's (Node's ECDH on the SM2 curve), k comes from Node's
 * CSPRNG. ECDH yields only x of a product, so y is recovered from the curve equation (field
 * arithmetic: the SM2 curve's @noble/curves field) and told apart from −y by one more product:
 * x([k+1]P) = x([k]P + P).
 */

const { a, b, n } = SM2_CURVE;
const Fp = Sm2Point.Fp;
const hex64 = (v: bigint): string => v.toString(16).padStart(64, '0');
const big = (buf: Buffer): bigint => BigInt(`0x${buf.toString('hex') || '0'}`);

interface Point {
  readonly x: bigint;
  readonly y: bigint;
}

const pointOf = (uncompressedHex: string): Point => ({ x: BigInt(`0x${uncompressedHex.slice(2, 66)}`), y: BigInt(`0x${uncompressedHex.slice(66, 130)}`) });

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
export function sm2Encrypt(message: Uint8Array, publicKey: string): Buffer {
  if (message.length === 0) throw new RangeError('SM2: nothing to encrypt');
  const pub = pointOf(normalizeSm2PublicKey(publicKey));
  const k = randomScalar();
  const c1 = createECDH('SM2');
  c1.setPrivateKey(Buffer.from(hex64(k), 'hex'));
  const s = multiply(k, pub);
  const x2 = Buffer.from(hex64(s.x), 'hex');
  const y2 = Buffer.from(hex64(s.y), 'hex');
  const m = Buffer.from(message);
  const c2 = xor(m, kdf(Buffer.concat([x2, y2]), m.length));
  const c3 = sm3Bytes(x2, m, y2);
  return Buffer.concat([c1.getPublicKey(null, 'uncompressed'), c3, c2]);
}

/** Decrypts C1‖C3‖C2 (C1 uncompressed, with its 04 prefix). Throws when C3 does not check. */
export function sm2Decrypt(ciphertext: Uint8Array, privateKey: string): Buffer {
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
