/**
 * SM2 digital signatures (GB/T 32918.2-2016 / GM/T 0003.2-2012) over SM3 on
 * the recommended curve sm2p256v1 (GB/T 32918.5-2017), for event signing and
 * electronic credentials.
 *
 * What this module does and does not do:
 * - The signature arithmetic is sm-crypto's `doSignature` / `doVerifySignature`
 *   with `hash: true`, i.e. e = SM3(Z_A || M) where
 *   Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A).
 *   The signer's distinguishing identifier ID_A defaults to
 *   `1234567812345678` (GM/T 0009-2012 §10, also OpenSSL's and GmSSL's default).
 * - Key generation, public-key derivation and the per-signature nonce k use
 *   Node's OpenSSL-backed `crypto` (CSPRNG + EC point multiplication); the
 *   nonce point is handed to sm-crypto through its `pointPool` option instead
 *   of letting sm-crypto draw k from its RC4-based PRNG.
 * - Signatures are emitted as DER `SEQUENCE { r INTEGER, s INTEGER }`
 *   (GB/T 35276 / GM/T 0009 `SM2Signature`), base64-encoded; OpenSSL, GmSSL,
 *   Bouncy Castle and Java/Go SM2 stacks read this form. Verification also
 *   accepts the 64-byte raw `r || s` form (as bytes, base64 or hex) and hex
 *   DER (sm-crypto's `der: true` output).
 * - Keys are hex in sm-crypto's convention (private: 64 hex digits; public:
 *   uncompressed `04 || x || y`, 130 hex digits) and PEM: SubjectPublicKeyInfo
 *   and PKCS#8 with id-ecPublicKey (1.2.840.10045.2.1) and the SM2 curve OID
 *   1.2.156.10197.1.301, exactly what `openssl genpkey -algorithm EC
 *   -pkeyopt ec_paramgen_curve:SM2` produces and consumes.
 *
 * Error policy: malformed *keys* and user ids throw (they are configuration
 * errors); a malformed or wrong *signature* makes `sm2Verify` return false.
 *
 * Interop with OpenSSL 3:
 *   openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in msg -sigfile sig.der \
 *     -digest sm3 -pkeyopt distid:1234567812345678
 */
import { ECDH, createECDH, randomBytes } from 'node:crypto';
import smCrypto from 'sm-crypto';
import type { KeyPairPoint } from 'sm-crypto';
import {
  DER_TAG,
  DerError,
  decodeDerUnsignedInteger,
  derInteger,
  derOid,
  derSequence,
  derTlv,
  fromPem,
  readDerChildren,
  readDerExact,
  toPem,
} from './asn1.js';
import { sm3, sm3Bytes } from './sm3.js';

const { sm2 } = smCrypto;

/** Default distinguishing identifier (GM/T 0009-2012 §10). */
export const SM2_DEFAULT_USER_ID = '1234567812345678';
/** OID of the SM2 recommended curve sm2p256v1 (GM/T 0006). */
export const SM2_CURVE_OID = '1.2.156.10197.1.301';
/** OID id-ecPublicKey (RFC 5480), the key algorithm used with the SM2 curve OID. */
export const EC_PUBLIC_KEY_OID = '1.2.840.10045.2.1';

/** Domain parameters of sm2p256v1 (GB/T 32918.5-2017 §2). */
export const SM2_CURVE = Object.freeze({
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
});

const NODE_CURVE_NAME = 'SM2';
const MAX_USER_ID_BYTES = 0xffff >> 3; // ENTL is a 16-bit bit-length

/** A key pair in sm-crypto hex form: private 64 hex digits, public `04||x||y` (130 hex digits), lowercase. */
export interface Sm2KeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

export interface Sm2Options {
  /** Distinguishing identifier ID_A (UTF-8). Defaults to {@link SM2_DEFAULT_USER_ID}. */
  readonly userId?: string;
}

export interface Sm2SignOptions extends Sm2Options {
  /** The signer's public key, if already known (skips deriving it from the private key). */
  readonly publicKey?: string;
}

/** A message: strings are signed as their UTF-8 bytes. */
export type Sm2Message = string | Uint8Array;

/**
 * A signature as accepted by {@link sm2Verify}: bytes (DER or raw 64-byte
 * `r||s`), or a string holding either of those as base64 or hex.
 */
export type Sm2SignatureInput = string | Uint8Array;

// ---------------------------------------------------------------------------
// Key handling
// ---------------------------------------------------------------------------

const hex64 = (value: bigint): string => value.toString(16).padStart(64, '0');
const createSm2Ecdh = (): ECDH => createECDH(NODE_CURVE_NAME);

/** Validates a private key (1 ≤ d ≤ n-2, as SM2 needs (1+d)⁻¹ mod n) and returns it as 64 lowercase hex digits. */
export function normalizeSm2PrivateKey(privateKey: string): string {
  if (typeof privateKey !== 'string' || !/^[0-9a-fA-F]{1,64}$/.test(privateKey)) {
    throw new TypeError('SM2 private key must be 1–64 hex digits');
  }
  const d = BigInt(`0x${privateKey}`);
  if (d < 1n || d > SM2_CURVE.n - 2n) throw new RangeError('SM2 private key out of range [1, n-2]');
  return hex64(d);
}

/**
 * Validates a public key and returns it as uncompressed `04||x||y` lowercase
 * hex. Accepts uncompressed hex (with or without the `04` prefix), compressed
 * hex (`02`/`03` + x) and SubjectPublicKeyInfo PEM. The point is checked to
 * lie on sm2p256v1 (by OpenSSL); the point at infinity is rejected.
 */
export function normalizeSm2PublicKey(publicKey: string): string {
  if (typeof publicKey !== 'string') throw new TypeError('SM2 public key must be a string');
  const trimmed = publicKey.trim();
  if (trimmed.startsWith('-----BEGIN')) return sm2PublicKeyFromPem(trimmed);
  let hex = trimmed.toLowerCase();
  if (/^[0-9a-f]{128}$/.test(hex)) hex = `04${hex}`;
  if (!/^(04[0-9a-f]{128}|0[23][0-9a-f]{64})$/.test(hex)) {
    throw new TypeError('SM2 public key must be 04||x||y, x||y or 02/03||x in hex, or a PEM public key');
  }
  let uncompressed: string;
  try {
    uncompressed = ECDH.convertKey(hex, NODE_CURVE_NAME, 'hex', 'hex', 'uncompressed') as string;
  } catch (cause) {
    throw new RangeError('SM2 public key is not a point on sm2p256v1', { cause });
  }
  if (!/^04[0-9a-f]{128}$/.test(uncompressed)) throw new RangeError('SM2 public key is not a finite curve point');
  return uncompressed;
}

/** Derives the uncompressed public key `04||x||y` (hex) from a private key (hex). */
export function sm2PublicKeyFromPrivateKey(privateKey: string): string {
  const ecdh = createSm2Ecdh();
  ecdh.setPrivateKey(Buffer.from(normalizeSm2PrivateKey(privateKey), 'hex'));
  return ecdh.getPublicKey('hex', 'uncompressed');
}

/** Generates a fresh SM2 key pair with Node's CSPRNG (OpenSSL). */
export function generateSm2KeyPair(): Sm2KeyPair {
  for (;;) {
    const ecdh = createSm2Ecdh();
    ecdh.generateKeys();
    const d = BigInt(`0x${ecdh.getPrivateKey('hex')}`);
    if (d >= 1n && d <= SM2_CURVE.n - 2n) {
      return { privateKey: hex64(d), publicKey: ecdh.getPublicKey('hex', 'uncompressed') };
    }
  }
}

/**
 * A short, stable identifier for a public key: the first 16 hex digits of
 * SM3 over the 65-byte uncompressed point `04||x||y`. Suitable as a `kid`
 * in signed events; not a security boundary (64 bits).
 */
export function sm2KeyId(publicKey: string): string {
  return sm3(Buffer.from(normalizeSm2PublicKey(publicKey), 'hex')).slice(0, 16);
}

// ---------------------------------------------------------------------------
// PEM / DER key encodings
// ---------------------------------------------------------------------------

const ALGORITHM_IDENTIFIER = derSequence(derOid(EC_PUBLIC_KEY_OID), derOid(SM2_CURVE_OID));
const SM2_CURVE_OID_TLV = derOid(SM2_CURVE_OID);

const bitString = (bytes: Uint8Array): Buffer => derTlv(DER_TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), bytes]));

function readBitStringPoint(value: Uint8Array): string {
  if (value.length < 2 || value[0] !== 0) throw new DerError('BIT STRING with unused bits');
  return normalizeSm2PublicKey(Buffer.from(value.subarray(1)).toString('hex'));
}

function assertSm2AlgorithmIdentifier(element: { tag: number; value: Buffer }): void {
  const encoded = derTlv(element.tag, element.value);
  if (!encoded.equals(ALGORITHM_IDENTIFIER)) {
    throw new DerError(`algorithm is not id-ecPublicKey with the SM2 curve (${EC_PUBLIC_KEY_OID} / ${SM2_CURVE_OID})`);
  }
}

/** SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`) for an SM2 public key. */
export function sm2PublicKeyToPem(publicKey: string): string {
  const point = Buffer.from(normalizeSm2PublicKey(publicKey), 'hex');
  return toPem('PUBLIC KEY', derSequence(ALGORITHM_IDENTIFIER, bitString(point)));
}

/** Reads a SubjectPublicKeyInfo PEM (id-ecPublicKey + SM2 curve) and returns `04||x||y` hex. */
export function sm2PublicKeyFromPem(pem: string): string {
  const { der } = fromPem(pem, ['PUBLIC KEY']);
  const spki = readDerExact(der, DER_TAG.SEQUENCE);
  const [algorithm, key, ...rest] = readDerChildren(spki.value);
  if (!algorithm || !key || rest.length > 0 || algorithm.tag !== DER_TAG.SEQUENCE || key.tag !== DER_TAG.BIT_STRING) {
    throw new DerError('not a SubjectPublicKeyInfo');
  }
  assertSm2AlgorithmIdentifier(algorithm);
  return readBitStringPoint(key.value);
}

/**
 * PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, unencrypted) for an SM2 private
 * key, embedding the public key, in the layout OpenSSL 3 writes.
 */
export function sm2PrivateKeyToPem(privateKey: string): string {
  const d = normalizeSm2PrivateKey(privateKey);
  const publicKey = Buffer.from(sm2PublicKeyFromPrivateKey(d), 'hex');
  const ecPrivateKey = derSequence(
    derInteger(1n),
    derTlv(DER_TAG.OCTET_STRING, Buffer.from(d, 'hex')),
    derTlv(DER_TAG.CONTEXT_1, bitString(publicKey)),
  );
  const pkcs8 = derSequence(derInteger(0n), ALGORITHM_IDENTIFIER, derTlv(DER_TAG.OCTET_STRING, ecPrivateKey));
  return toPem('PRIVATE KEY', pkcs8);
}

function parseEcPrivateKey(der: Uint8Array, requireCurveParameter: boolean): Sm2KeyPair {
  const [version, secret, ...optional] = readDerChildren(readDerExact(der, DER_TAG.SEQUENCE).value);
  if (!version || version.tag !== DER_TAG.INTEGER || decodeDerUnsignedInteger(version.value) !== 1n) {
    throw new DerError('ECPrivateKey version must be 1');
  }
  if (!secret || secret.tag !== DER_TAG.OCTET_STRING || secret.value.length === 0 || secret.value.length > 32) {
    throw new DerError('ECPrivateKey privateKey must be an OCTET STRING of at most 32 bytes');
  }
  const privateKey = normalizeSm2PrivateKey(secret.value.toString('hex'));
  const publicKey = sm2PublicKeyFromPrivateKey(privateKey);
  let sawCurve = false;
  for (const field of optional) {
    if (field.tag === DER_TAG.CONTEXT_0) {
      if (!field.value.equals(SM2_CURVE_OID_TLV)) throw new DerError('ECPrivateKey parameters are not the SM2 curve');
      sawCurve = true;
    } else if (field.tag === DER_TAG.CONTEXT_1) {
      const embedded = readDerExact(field.value, DER_TAG.BIT_STRING);
      if (readBitStringPoint(embedded.value) !== publicKey) {
        throw new DerError('embedded public key does not match the private key');
      }
    } else {
      throw new DerError(`unexpected ECPrivateKey field tag 0x${field.tag.toString(16)}`);
    }
  }
  if (requireCurveParameter && !sawCurve) throw new DerError('SEC 1 key without the SM2 curve parameter');
  return { privateKey, publicKey };
}

/**
 * Reads an unencrypted SM2 private key PEM — PKCS#8 (`PRIVATE KEY`, as
 * written by `openssl genpkey`) or SEC 1 (`EC PRIVATE KEY`, or
 * `SM2 PRIVATE KEY` as OpenSSL 3's `openssl ec` labels it) — and returns the
 * hex key pair. Checks that an embedded public key matches the private key.
 */
export function sm2PrivateKeyFromPem(pem: string): Sm2KeyPair {
  const { label, der } = fromPem(pem, ['PRIVATE KEY', 'EC PRIVATE KEY', 'SM2 PRIVATE KEY']);
  if (label !== 'PRIVATE KEY') return parseEcPrivateKey(der, true);
  const [version, algorithm, privateKey] = readDerChildren(readDerExact(der, DER_TAG.SEQUENCE).value);
  if (!version || version.tag !== DER_TAG.INTEGER || decodeDerUnsignedInteger(version.value) > 1n) {
    throw new DerError('PKCS#8 version must be 0 or 1');
  }
  if (!algorithm || algorithm.tag !== DER_TAG.SEQUENCE) throw new DerError('PKCS#8 without an AlgorithmIdentifier');
  assertSm2AlgorithmIdentifier(algorithm);
  if (!privateKey || privateKey.tag !== DER_TAG.OCTET_STRING) throw new DerError('PKCS#8 without a privateKey');
  return parseEcPrivateKey(privateKey.value, false);
}

// ---------------------------------------------------------------------------
// Signature encodings
// ---------------------------------------------------------------------------

interface RawSignature {
  readonly r: bigint;
  readonly s: bigint;
}

function parseDerSignature(bytes: Uint8Array): RawSignature {
  const [r, s, ...rest] = readDerChildren(readDerExact(bytes, DER_TAG.SEQUENCE).value);
  if (!r || !s || rest.length > 0 || r.tag !== DER_TAG.INTEGER || s.tag !== DER_TAG.INTEGER) {
    throw new DerError('signature is not SEQUENCE { INTEGER, INTEGER }');
  }
  return { r: decodeDerUnsignedInteger(r.value), s: decodeDerUnsignedInteger(s.value) };
}

/** Parses DER, falling back to raw 64-byte r||s; undefined if neither. */
function parseSignatureBytes(bytes: Uint8Array): RawSignature | undefined {
  try {
    return parseDerSignature(bytes);
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
  }
  if (bytes.length !== 64) return undefined;
  const hex = Buffer.from(bytes).toString('hex');
  return { r: BigInt(`0x${hex.slice(0, 64)}`), s: BigInt(`0x${hex.slice(64)}`) };
}

function signatureInputToBytes(signature: Sm2SignatureInput): Uint8Array | undefined {
  if (signature instanceof Uint8Array) return signature;
  if (typeof signature !== 'string') return undefined;
  const text = signature.trim();
  // Hex: raw r||s (128 digits) or DER (starts with 30). A base64 DER signature
  // always starts with "M" and a base64 raw one is 88 characters, so neither is
  // mistaken for hex.
  if (/^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0 && (text.length === 128 || /^30/.test(text))) {
    return Buffer.from(text, 'hex');
  }
  const normalized = text.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(normalized)) return undefined;
  const bytes = Buffer.from(normalized, 'base64');
  // Reject non-canonical base64 (e.g. stray characters Buffer silently drops).
  if (bytes.toString('base64').replace(/=+$/, '') !== normalized.replace(/=+$/, '')) return undefined;
  return bytes;
}

const inSignatureRange = ({ r, s }: RawSignature): boolean =>
  r >= 1n && r < SM2_CURVE.n && s >= 1n && s < SM2_CURVE.n;

/** Converts a signature (DER or raw `r||s` bytes) to DER. Throws if it is neither. */
export function sm2SignatureToDer(signature: Uint8Array): Buffer {
  const parsed = parseSignatureBytes(signature);
  if (!parsed || !inSignatureRange(parsed)) throw new DerError('not an SM2 signature');
  return derSequence(derInteger(parsed.r), derInteger(parsed.s));
}

/** Converts a signature (DER or raw `r||s` bytes) to the 64-byte raw form `r||s`. Throws if it is neither. */
export function sm2SignatureToRaw(signature: Uint8Array): Buffer {
  const parsed = parseSignatureBytes(signature);
  if (!parsed || !inSignatureRange(parsed)) throw new DerError('not an SM2 signature');
  return Buffer.from(hex64(parsed.r) + hex64(parsed.s), 'hex');
}

// ---------------------------------------------------------------------------
// Z_A, e, sign, verify
// ---------------------------------------------------------------------------

const messageBytes = (message: Sm2Message): Buffer =>
  typeof message === 'string'
    ? Buffer.from(message, 'utf8')
    : Buffer.from(message.buffer, message.byteOffset, message.byteLength);

function checkedUserId(userId: string | undefined): string {
  const id = userId ?? SM2_DEFAULT_USER_ID;
  if (typeof id !== 'string' || id.length === 0) throw new TypeError('SM2 user id must be a non-empty string');
  if (Buffer.byteLength(id, 'utf8') > MAX_USER_ID_BYTES) throw new RangeError('SM2 user id is too long for ENTL');
  return id;
}

/**
 * Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A)
 * (GB/T 32918.2-2016 §5.5), as raw bytes.
 */
function computeZa(publicKey: string, userId: string): Buffer {
  const id = Buffer.from(userId, 'utf8');
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(id.length * 8);
  const { a, b, gx, gy } = SM2_CURVE;
  const curve = Buffer.from(hex64(a) + hex64(b) + hex64(gx) + hex64(gy), 'hex');
  return sm3Bytes(entl, id, curve, Buffer.from(publicKey.slice(2), 'hex'));
}

/** Z_A for a public key and user id (hex), computed independently of sm-crypto with Node's SM3. */
export function sm2Za(publicKey: string, options: Sm2Options = {}): string {
  return computeZa(normalizeSm2PublicKey(publicKey), checkedUserId(options.userId)).toString('hex');
}

/** e = SM3(Z_A || M), the value SM2 actually signs (hex), computed independently of sm-crypto. */
export function sm2MessageDigest(message: Sm2Message, publicKey: string, options: Sm2Options = {}): string {
  const za = computeZa(normalizeSm2PublicKey(publicKey), checkedUserId(options.userId));
  return sm3(za, messageBytes(message));
}

type JsbnBigInteger = KeyPairPoint['k'];
type JsbnBigIntegerConstructor = new (value: string, radix: number) => JsbnBigInteger;
let jsbnBigInteger: JsbnBigIntegerConstructor | undefined;

/**
 * sm-crypto's `pointPool` entries must carry jsbn BigIntegers. jsbn is only a
 * transitive dependency, so borrow its constructor from a point sm-crypto
 * makes itself (once per process).
 */
function bigIntegerConstructor(): JsbnBigIntegerConstructor {
  jsbnBigInteger ??= sm2.getPoint().k.constructor as JsbnBigIntegerConstructor;
  return jsbnBigInteger;
}

/** Builds the sm-crypto nonce point (k, x1) where (x1, y1) = [k]G, using OpenSSL for the multiplication. */
function noncePoint(k: bigint): KeyPairPoint {
  if (k < 1n || k >= SM2_CURVE.n) throw new RangeError('SM2 nonce out of range [1, n-1]');
  const ecdh = createSm2Ecdh();
  ecdh.setPrivateKey(Buffer.from(hex64(k), 'hex'));
  const point = ecdh.getPublicKey('hex', 'uncompressed');
  const BigInteger = bigIntegerConstructor();
  return { k: new BigInteger(hex64(k), 16), x1: new BigInteger(point.slice(2, 66), 16), privateKey: hex64(k), publicKey: point };
}

/** Uniform k in [1, n-1] from Node's CSPRNG (rejection sampling). */
function randomNonce(): bigint {
  for (;;) {
    const k = BigInt(`0x${randomBytes(32).toString('hex')}`);
    if (k >= 1n && k < SM2_CURVE.n) return k;
  }
}

function signWithNonce(message: Sm2Message, privateKey: string, options: Sm2SignOptions, nonce: bigint): Buffer {
  const d = normalizeSm2PrivateKey(privateKey);
  const publicKey = options.publicKey === undefined ? sm2PublicKeyFromPrivateKey(d) : normalizeSm2PublicKey(options.publicKey);
  const userId = checkedUserId(options.userId);
  // If sm-crypto has to retry (r = 0, r + k = n or s = 0; probability ~2^-255) and
  // the pool is empty, it falls back to its own PRNG for the retry.
  const rs = sm2.doSignature(Array.from(messageBytes(message)), d, {
    hash: true,
    der: false,
    publicKey,
    userId,
    pointPool: [noncePoint(nonce)],
  });
  return sm2SignatureToDer(Buffer.from(rs, 'hex'));
}

/**
 * Signs `message` with SM2/SM3 and returns the DER signature, base64-encoded.
 * Pass `options.publicKey` when known to skip re-deriving it.
 */
export function sm2Sign(message: Sm2Message, privateKey: string, options: Sm2SignOptions = {}): string {
  return signWithNonce(message, privateKey, options, randomNonce()).toString('base64');
}

/**
 * Deterministic signing with a caller-chosen nonce k, for known-answer tests
 * only. Reusing or leaking k reveals the private key: never use this for real
 * signatures and do not re-export it from the library barrel.
 * @internal
 */
export function sm2SignWithNonceForTesting(
  message: Sm2Message,
  privateKey: string,
  k: bigint,
  options: Sm2SignOptions = {},
): Buffer {
  return signWithNonce(message, privateKey, options, k);
}

/**
 * Verifies an SM2/SM3 signature. `signature` may be DER or raw `r||s`, as
 * bytes, base64 or hex; `publicKey` may be hex (any form accepted by
 * {@link normalizeSm2PublicKey}) or PEM. Returns false for any malformed,
 * out-of-range or non-matching signature; throws only for a malformed key or
 * user id.
 */
export function sm2Verify(
  message: Sm2Message,
  signature: Sm2SignatureInput,
  publicKey: string,
  options: Sm2Options = {},
): boolean {
  const key = normalizeSm2PublicKey(publicKey);
  const userId = checkedUserId(options.userId);
  const bytes = signatureInputToBytes(signature);
  const parsed = bytes && parseSignatureBytes(bytes);
  if (!parsed || !inSignatureRange(parsed)) return false;
  return sm2.doVerifySignature(Array.from(messageBytes(message)), hex64(parsed.r) + hex64(parsed.s), key, {
    hash: true,
    der: false,
    userId,
  });
}

/**
 * An SM2 signing key bound to one user id. The private key is held in a
 * private field; export it explicitly with {@link Sm2Signer.exportPrivateKeyPem}.
 */
export class Sm2Signer {
  readonly #privateKey: string;
  readonly publicKey: string;
  readonly userId: string;
  readonly keyId: string;

  private constructor(keyPair: Sm2KeyPair, userId: string | undefined) {
    this.#privateKey = normalizeSm2PrivateKey(keyPair.privateKey);
    const derived = sm2PublicKeyFromPrivateKey(this.#privateKey);
    if (normalizeSm2PublicKey(keyPair.publicKey) !== derived) throw new RangeError('SM2 public key does not match the private key');
    this.publicKey = derived;
    this.userId = checkedUserId(userId);
    this.keyId = sm2KeyId(derived);
  }

  static generate(options: Sm2Options = {}): Sm2Signer {
    return new Sm2Signer(generateSm2KeyPair(), options.userId);
  }

  /** From a hex private key (the public key is derived). */
  static fromPrivateKey(privateKey: string, options: Sm2Options = {}): Sm2Signer {
    return new Sm2Signer({ privateKey, publicKey: sm2PublicKeyFromPrivateKey(privateKey) }, options.userId);
  }

  /** From a PKCS#8 or SEC 1 PEM private key. */
  static fromPem(pem: string, options: Sm2Options = {}): Sm2Signer {
    return new Sm2Signer(sm2PrivateKeyFromPem(pem), options.userId);
  }

  /** DER signature, base64. */
  sign(message: Sm2Message): string {
    return sm2Sign(message, this.#privateKey, { publicKey: this.publicKey, userId: this.userId });
  }

  verify(message: Sm2Message, signature: Sm2SignatureInput): boolean {
    return sm2Verify(message, signature, this.publicKey, { userId: this.userId });
  }

  publicKeyPem(): string {
    return sm2PublicKeyToPem(this.publicKey);
  }

  exportPrivateKeyPem(): string {
    return sm2PrivateKeyToPem(this.#privateKey);
  }

  exportKeyPair(): Sm2KeyPair {
    return { privateKey: this.#privateKey, publicKey: this.publicKey };
  }
}
