import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** One key of the data-sealing keyring: an id (stored inside every ciphertext) and 256 bits of key material. */
export interface SealingKey {
  readonly keyId: string;
  /** 64 hex digits. Never the event-signing key, never derived from it. */
  readonly keyHex: string;
}

/** A sealed value that cannot be opened: unknown key id, wrong format, tampered, or bound to other associated data. */
export class SealingError extends Error {
  constructor(
    message: string,
    readonly reason: 'format' | 'unknown-key' | 'integrity',
  ) {
    super(message);
    this.name = 'SealingError';
  }
}

export const SEALING_KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const VERSION = 'gfs1';
const SEALED_PATTERN = /^gfs1\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]{43})$/;

interface DerivedKey {
  readonly enc: Buffer;
  readonly mac: Buffer;
}

const derive = (k: SealingKey): DerivedKey => {
  if (!SEALING_KEY_ID_PATTERN.test(k.keyId)) throw new RangeError(`sealing key id ${JSON.stringify(k.keyId)}: 1–64 of A–Z a–z 0–9 _ -`);
  if (!/^[0-9a-fA-F]{64}$/.test(k.keyHex)) throw new RangeError(`sealing key ${k.keyId}: must be 256 bits written as 64 hex digits`);
  const ikm = Buffer.from(k.keyHex, 'hex');
  const okm = (label: string, n: number) =>
    Buffer.from(hkdfSync('sm3', ikm, Buffer.from('guangfo/sealing/v1'), Buffer.from(`${label}\u0000${k.keyId}`), n));
  return { enc: okm('enc', 16), mac: okm('mac', 32) };
};

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/**
 * The one sealing primitive for data at rest (ID numbers, webhook secrets, issuer private keys):
 * SM4-CTR with a random 128-bit IV, then HMAC-SM3 (encrypt-then-MAC) over
 * version ‖ key id ‖ associated data ‖ IV ‖ ciphertext. The encryption and the MAC key are
 * derived separately (HKDF-SM3, distinct labels) from the keyring entry's 256-bit key.
 *
 * Sealed form: `gfs1.<keyId>.<iv>.<ciphertext>.<mac>` (base64url). The key id says which key of
 * the keyring opens the value, so old keys keep opening old rows while new values are sealed with
 * the first (newest) key. The associated data (purpose and row, e.g. `affairs.case.applicant-id:<case id>`)
 * is not stored but must be given again to open: a value moved to another column or row fails its check.
 */
export class Sealer {
  private readonly keys = new Map<string, DerivedKey>();
  readonly currentKeyId: string;

  /** `keys[0]` seals; every key opens. */
  constructor(keys: readonly SealingKey[]) {
    if (keys.length === 0) throw new RangeError('the sealing keyring needs at least one key');
    for (const k of keys) {
      if (this.keys.has(k.keyId)) throw new RangeError(`sealing key id ${k.keyId} appears twice in the keyring`);
      this.keys.set(k.keyId, derive(k));
    }
    this.currentKeyId = keys[0]!.keyId;
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /** True when the string has the sealed form (it may still fail to open). */
  static isSealed(value: string): boolean {
    return SEALED_PATTERN.test(value);
  }

  /** The key id a sealed value names. */
  static keyIdOf(sealed: string): string {
    const m = SEALED_PATTERN.exec(sealed);
    if (!m) throw new SealingError('not a sealed value (expected gfs1.<keyId>.<iv>.<ciphertext>.<mac>)', 'format');
    return m[1]!;
  }

  seal(plain: string | Buffer, associatedData: string): string {
    const keyId = this.currentKeyId;
    const k = this.keys.get(keyId)!;
    const iv = randomBytes(16);
    const cipher = createCipheriv('sm4-ctr', k.enc, iv);
    const ct = Buffer.concat([cipher.update(typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain), cipher.final()]);
    const mac = this.mac(k, keyId, associatedData, iv, ct);
    return [VERSION, keyId, iv.toString('base64url'), ct.toString('base64url'), mac.toString('base64url')].join('.');
  }

  open(sealed: string, associatedData: string): string {
    return this.openBytes(sealed, associatedData).toString('utf8');
  }

  openBytes(sealed: string, associatedData: string): Buffer {
    const m = SEALED_PATTERN.exec(sealed);
    if (!m) throw new SealingError('not a sealed value (expected gfs1.<keyId>.<iv>.<ciphertext>.<mac>)', 'format');
    const [, keyId, ivB, ctB, macB] = m;
    const k = this.keys.get(keyId!);
    if (!k) {
      throw new SealingError(
        `sealed under key ${keyId}, which is not in the sealing keyring (${this.keyIds.join(', ')}): add it to DATA_SEALING_KEYS`,
        'unknown-key',
      );
    }
    const iv = Buffer.from(ivB!, 'base64url');
    const ct = Buffer.from(ctB!, 'base64url');
    const mac = Buffer.from(macB!, 'base64url');
    const expected = this.mac(k, keyId!, associatedData, iv, ct);
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) {
      throw new SealingError(
        `sealed value (key ${keyId}) failed its integrity check: tampered, or bound to another purpose or row`,
        'integrity',
      );
    }
    const decipher = createDecipheriv('sm4-ctr', k.enc, iv);
    return Buffer.concat([decipher.update(ct), decipher.final()]);
  }

  /** Seals again under the current key when a value was sealed under an older one (rotation). */
  reseal(sealed: string, associatedData: string): string {
    if (Sealer.keyIdOf(sealed) === this.currentKeyId) {
      this.openBytes(sealed, associatedData);
      return sealed;
    }
    return this.seal(this.openBytes(sealed, associatedData), associatedData);
  }

  private mac(k: DerivedKey, keyId: string, ad: string, iv: Buffer, ct: Buffer): Buffer {
    const adBytes = Buffer.from(ad, 'utf8');
    return createHmac('sm3', k.mac)
      .update(`${VERSION}\u0000${keyId}\u0000`)
      .update(u32(adBytes.length))
      .update(adBytes)
      .update(iv)
      .update(ct)
      .digest();
  }
}

/** Parses `keyId:64hex[,keyId:64hex...]` (the first key seals new data). */
export const parseSealingKeys = (value: string): SealingKey[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const i = entry.lastIndexOf(':');
      return { keyId: entry.slice(0, i), keyHex: entry.slice(i + 1).toLowerCase() };
    });

/** Generates a fresh 256-bit sealing key. */
export const generateSealingKey = (keyId: string): SealingKey => ({ keyId, keyHex: randomBytes(32).toString('hex') });
