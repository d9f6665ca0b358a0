/**
 * SM2 digital signatures (GB/T 32918.2-2016 / GM/T 0003.2-2012) over SM3 on
 * the recommended curve sm2p256v1 (GB/T 32918.5-2017), for event signing and
 * electronic credentials.
 *
 * What this module does and does not do:
 * - e = SM3(Z_A || M) where Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A).
 *   The signer's distinguishing identifier ID_A defaults to `1234567812345678`
 *   (GM/T 0009-2012 §10, also OpenSSL's and GmSSL's default).
 * - The signature equations are written once, here (GB/T 32918.2 §6.1, §7.1):
 *   sign: (x1, y1) = [k]G, r = (e + x1) mod n, s = ((1 + d)⁻¹ · (k − r·d)) mod n;
 *   verify: t = (r + s) mod n, (x1, y1) = [s]G + [t]P_A, accept iff (e + x1) mod n = r.
 * - Key generation, public-key derivation and the nonce point [k]G use Node's
 *   OpenSSL-backed `crypto` (CSPRNG + EC point multiplication). Verification's
 *   public-scalar product [s]G + [t]P_A is BigInt Jacobian arithmetic with
 *   precomputed tables for the base point and for keys that verify often
 *   (`sm2.curve.ts`). Validated keys and their Z_A (per user id) are cached.
 * - Signatures are emitted as DER `SEQUENCE { r INTEGER, s INTEGER }`
 *   (GB/T 35276 / GM/T 0009 `SM2Signature`), base64-encoded; OpenSSL, GmSSL,
 *   Bouncy Castle and Java/Go SM2 stacks read this form. Verification also
 *   accepts the 64-byte raw `r || s` form (as bytes, base64 or hex) and hex DER.
 * - Keys are hex (private: 64 hex digits; public: uncompressed `04 || x || y`,
 *   130 hex digits) and PEM: SubjectPublicKeyInfo and PKCS#8 with
 *   id-ecPublicKey (1.2.840.10045.2.1) and the SM2 curve OID
 *   1.2.156.10197.1.301, exactly what `openssl genpkey -algorithm EC
 *   -pkeyopt ec_paramgen_curve:SM2` produces and consumes. PEM is read and
 *   written by Node's KeyObject; the DER around the key is a fixed layout.
 *
 * Error policy: malformed *keys* and user ids throw (they are configuration
 * errors); a malformed or wrong *signature* makes `sm2Verify` return false.
 *
 * Interop with OpenSSL 3:
 *   openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in msg -sigfile sig.der \
 *     -digest sm3 -pkeyopt distid:1234567812345678
 */
import { ECDH, createECDH, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { DER_TAG, DerError, decodeDerUnsignedInteger, derInteger, derSequence, readDerChildren, readDerExact } from './asn1.js';
import { Fn, SM2_CURVE, sm2VerificationKey, sm2VerifyEquation, type Sm2VerificationKey } from './sm2.curve.js';
import { sm3, sm3Bytes } from './sm3.js';

export { SM2_CURVE };

/** Default distinguishing identifier (GM/T 0009-2012 §10). */
export const SM2_DEFAULT_USER_ID = '1234567812345678';
/** OID of the SM2 recommended curve sm2p256v1 (GM/T 0006). */
export const SM2_CURVE_OID = '1.2.156.10197.1.301';
/** OID id-ecPublicKey (RFC 5480), the key algorithm used with the SM2 curve OID. */
export const EC_PUBLIC_KEY_OID = '1.2.840.10045.2.1';

const NODE_CURVE_NAME = 'SM2';
const MAX_USER_ID_BYTES = 0xffff >> 3; // ENTL is a 16-bit bit-length

/** A key pair in hex: private 64 hex digits, public `04||x||y` (130 hex digits), lowercase. */
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

// The DER around an SM2 key is a fixed layout: id-ecPublicKey with the SM2 curve, a 32-byte
// private key, a 65-byte uncompressed point. Node's KeyObject parses, checks and writes the PEM.
const SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');
/** PKCS#8 as OpenSSL 3 writes it: prefix ‖ d ‖ infix ‖ 04‖x‖y; without the public key: short prefix ‖ d. */
const PKCS8_PREFIX = Buffer.from('308187020100301306072a8648ce3d020106082a811ccf5501822d046d306b0201010420', 'hex');
const PKCS8_INFIX = Buffer.from('a144034200', 'hex');
const PKCS8_SHORT_PREFIX = Buffer.from('3041020100301306072a8648ce3d020106082a811ccf5501822d04273025020101' + '0420', 'hex');

const PEM_LABEL = /-----BEGIN ([A-Z0-9 ]+)-----/;

function pemLabel(pem: string, labels: readonly string[]): string {
  const label = PEM_LABEL.exec(pem)?.[1];
  if (!label) throw new DerError('no PEM block found');
  if (!labels.includes(label)) throw new DerError(`unexpected PEM label "${label}" (expected ${labels.join(' or ')})`);
  return label;
}

// OpenSSL 3 loads SM2-curve keys as its own key type, which Node reports no type or curve for,
// so the check that a key is SM2 is its exported layout, which names the curve.
const notSm2 = (): DerError => new DerError(`algorithm is not id-ecPublicKey with the SM2 curve (${EC_PUBLIC_KEY_OID} / ${SM2_CURVE_OID})`);

/** SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`) for an SM2 public key. */
export function sm2PublicKeyToPem(publicKey: string): string {
  const spki = Buffer.concat([SPKI_PREFIX, Buffer.from(normalizeSm2PublicKey(publicKey), 'hex')]);
  return createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }) as string;
}

/** Reads a SubjectPublicKeyInfo PEM (id-ecPublicKey + SM2 curve) and returns `04||x||y` hex. */
export function sm2PublicKeyFromPem(pem: string): string {
  pemLabel(pem, ['PUBLIC KEY']);
  const spki = createPublicKey({ key: pem, format: 'pem' }).export({ type: 'spki', format: 'der' });
  if (spki.length !== SPKI_PREFIX.length + 65 || !spki.subarray(0, SPKI_PREFIX.length).equals(SPKI_PREFIX)) throw notSm2();
  return normalizeSm2PublicKey(spki.subarray(SPKI_PREFIX.length).toString('hex'));
}

/**
 * PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, unencrypted) for an SM2 private
 * key, embedding the public key, in the layout OpenSSL 3 writes.
 */
export function sm2PrivateKeyToPem(privateKey: string): string {
  const d = normalizeSm2PrivateKey(privateKey);
  const point = Buffer.from(sm2PublicKeyFromPrivateKey(d), 'hex');
  const pkcs8 = Buffer.concat([PKCS8_PREFIX, Buffer.from(d, 'hex'), PKCS8_INFIX, point]);
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }) as string;
}

/**
 * Reads an unencrypted SM2 private key PEM — PKCS#8 (`PRIVATE KEY`, as
 * written by `openssl genpkey`) or SEC 1 (`EC PRIVATE KEY`, or
 * `SM2 PRIVATE KEY` as OpenSSL 3's `openssl ec` labels it) — and returns the
 * hex key pair. Checks that an embedded public key matches the private key.
 */
export function sm2PrivateKeyFromPem(pem: string): Sm2KeyPair {
  const label = pemLabel(pem, ['PRIVATE KEY', 'EC PRIVATE KEY', 'SM2 PRIVATE KEY']);
  // OpenSSL reads the SM2 label but Node does not report its key type: read it as SEC 1.
  const text = label === 'SM2 PRIVATE KEY' ? pem.replace(/SM2 PRIVATE KEY/g, 'EC PRIVATE KEY') : pem;
  const der = createPrivateKey({ key: text, format: 'pem' }).export({ type: 'pkcs8', format: 'der' });
  const at = (offset: number, bytes: Buffer) => der.subarray(offset, offset + bytes.length).equals(bytes);
  let d: Buffer;
  let embedded: string | undefined;
  if (
    der.length === PKCS8_PREFIX.length + 32 + PKCS8_INFIX.length + 65 &&
    at(0, PKCS8_PREFIX) &&
    at(PKCS8_PREFIX.length + 32, PKCS8_INFIX)
  ) {
    d = der.subarray(PKCS8_PREFIX.length, PKCS8_PREFIX.length + 32);
    embedded = der.subarray(der.length - 65).toString('hex');
  } else if (der.length === PKCS8_SHORT_PREFIX.length + 32 && at(0, PKCS8_SHORT_PREFIX)) {
    d = der.subarray(PKCS8_SHORT_PREFIX.length);
  } else {
    throw notSm2();
  }
  const privateKey = normalizeSm2PrivateKey(d.toString('hex'));
  const publicKey = sm2PublicKeyFromPrivateKey(privateKey);
  if (embedded !== undefined && normalizeSm2PublicKey(embedded) !== publicKey) {
    throw new DerError('embedded public key does not match the private key');
  }
  return { privateKey, publicKey };
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

const inSignatureRange = ({ r, s }: RawSignature): boolean => r >= 1n && r < SM2_CURVE.n && s >= 1n && s < SM2_CURVE.n;

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
  typeof message === 'string' ? Buffer.from(message, 'utf8') : Buffer.from(message.buffer, message.byteOffset, message.byteLength);

function checkedUserId(userId: string | undefined): string {
  const id = userId ?? SM2_DEFAULT_USER_ID;
  if (typeof id !== 'string' || id.length === 0) throw new TypeError('SM2 user id must be a non-empty string');
  if (Buffer.byteLength(id, 'utf8') > MAX_USER_ID_BYTES) throw new RangeError('SM2 user id is too long for ENTL');
  return id;
}

const CURVE_BYTES = Buffer.from([SM2_CURVE.a, SM2_CURVE.b, SM2_CURVE.gx, SM2_CURVE.gy].map(hex64).join(''), 'hex');

/**
 * Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A)
 * (GB/T 32918.2-2016 §5.5), as raw bytes.
 */
function computeZa(publicKey: string, userId: string): Buffer {
  const id = Buffer.from(userId, 'utf8');
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(id.length * 8);
  return sm3Bytes(entl, id, CURVE_BYTES, Buffer.from(publicKey.slice(2), 'hex'));
}

/**
 * A public key as signing and verification use it: normalized, its point, its Z_A per user id.
 * Cached by the string the caller gave (hex or PEM), so a key seen before skips validation (an
 * OpenSSL call), hex decoding and Z_A. Bounded: the oldest entry goes first; tables of pinned
 * keys live in `sm2.curve.ts` and survive eviction.
 */
interface KeyEntry {
  readonly hex: string;
  readonly point: Sm2VerificationKey;
  readonly za: Map<string, Buffer>;
}

const MAX_CACHED_KEYS = 1024;
const MAX_USER_IDS_PER_KEY = 8;
const keyEntries = new Map<string, KeyEntry>();

function keyEntry(publicKey: string): KeyEntry {
  const hit = keyEntries.get(publicKey);
  if (hit) return hit;
  const hex = normalizeSm2PublicKey(publicKey); // throws for a malformed key, which is not cached
  const entry: KeyEntry = { hex, point: sm2VerificationKey(hex), za: new Map() };
  if (keyEntries.size >= MAX_CACHED_KEYS) keyEntries.delete(keyEntries.keys().next().value!);
  keyEntries.set(publicKey, entry);
  return entry;
}

/**
 * The validated point of a public key (hex or PEM), from the same cache as verification: its use
 * count and pinned table are shared (SM2 encryption to a city's pinned key uses the table).
 * @internal
 */
export function sm2PublicKeyPoint(publicKey: string): Sm2VerificationKey {
  return keyEntry(publicKey).point;
}

function zaOf(entry: KeyEntry, userId: string): Buffer {
  let za = entry.za.get(userId);
  if (za === undefined) {
    if (entry.za.size >= MAX_USER_IDS_PER_KEY) entry.za.clear();
    za = computeZa(entry.hex, userId);
    entry.za.set(userId, za);
  }
  return za;
}

/** Z_A for a public key and user id (hex). */
export function sm2Za(publicKey: string, options: Sm2Options = {}): string {
  return zaOf(keyEntry(publicKey), checkedUserId(options.userId)).toString('hex');
}

/** e = SM3(Z_A || M), the value SM2 actually signs (hex). */
export function sm2MessageDigest(message: Sm2Message, publicKey: string, options: Sm2Options = {}): string {
  return sm3(zaOf(keyEntry(publicKey), checkedUserId(options.userId)), messageBytes(message));
}

const digestInteger = (za: Buffer, message: Sm2Message): bigint => BigInt(`0x${sm3(za, messageBytes(message))}`);

/** Uniform k in [1, n-1] from Node's CSPRNG (rejection sampling). */
function randomNonce(): bigint {
  for (;;) {
    const k = BigInt(`0x${randomBytes(32).toString('hex')}`);
    if (k >= 1n && k < SM2_CURVE.n) return k;
  }
}

/** x1 of [k]G, by OpenSSL. */
function nonceX(k: bigint): bigint {
  if (k < 1n || k >= SM2_CURVE.n) throw new RangeError('SM2 nonce out of range [1, n-1]');
  const ecdh = createSm2Ecdh();
  ecdh.setPrivateKey(Buffer.from(hex64(k), 'hex'));
  return BigInt(`0x${ecdh.getPublicKey('hex', 'uncompressed').slice(2, 66)}`);
}

/** r = (e + x1) mod n, s = ((1 + d)⁻¹ · (k − r·d)) mod n; undefined for the retry cases r = 0, r + k = n, s = 0. */
function signDigest(e: bigint, d: bigint, k: bigint): RawSignature | undefined {
  const r = Fn.create(e + nonceX(k));
  if (r === 0n || r + k === SM2_CURVE.n) return undefined;
  const s = Fn.mul(Fn.inv(1n + d), Fn.create(k - r * d));
  return s === 0n ? undefined : { r, s };
}

function signWithNonce(message: Sm2Message, privateKey: string, options: Sm2SignOptions, nonce: () => bigint): Buffer {
  const d = normalizeSm2PrivateKey(privateKey);
  const entry = keyEntry(options.publicKey ?? sm2PublicKeyFromPrivateKey(d));
  const e = digestInteger(zaOf(entry, checkedUserId(options.userId)), message);
  for (;;) {
    const signature = signDigest(e, BigInt(`0x${d}`), nonce());
    if (signature) return derSequence(derInteger(signature.r), derInteger(signature.s));
  }
}

/**
 * Signs `message` with SM2/SM3 and returns the DER signature, base64-encoded.
 * Pass `options.publicKey` when known to skip re-deriving it.
 */
export function sm2Sign(message: Sm2Message, privateKey: string, options: Sm2SignOptions = {}): string {
  return signWithNonce(message, privateKey, options, randomNonce).toString('base64');
}

/**
 * Deterministic signing with a caller-chosen nonce k, for known-answer tests
 * only. Reusing or leaking k reveals the private key: never use this for real
 * signatures and do not re-export it from the library barrel.
 * @internal
 */
export function sm2SignWithNonceForTesting(message: Sm2Message, privateKey: string, k: bigint, options: Sm2SignOptions = {}): Buffer {
  let used = false;
  return signWithNonce(message, privateKey, options, () => {
    if (used) throw new RangeError('SM2: this nonce gives r = 0, r + k = n or s = 0; choose another');
    used = true;
    return k;
  });
}

/**
 * Verifies an SM2/SM3 signature. `signature` may be DER or raw `r||s`, as
 * bytes, base64 or hex; `publicKey` may be hex (any form accepted by
 * {@link normalizeSm2PublicKey}) or PEM. Returns false for any malformed,
 * out-of-range or non-matching signature; throws only for a malformed key or
 * user id.
 */
export function sm2Verify(message: Sm2Message, signature: Sm2SignatureInput, publicKey: string, options: Sm2Options = {}): boolean {
  const entry = keyEntry(publicKey);
  const userId = checkedUserId(options.userId);
  const bytes = signatureInputToBytes(signature);
  const parsed = bytes && parseSignatureBytes(bytes);
  if (!parsed || !inSignatureRange(parsed)) return false;
  return sm2VerifyEquation(entry.point, digestInteger(zaOf(entry, userId), message), parsed.r, parsed.s);
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
