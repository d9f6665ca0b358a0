import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sm3 } from '@guangfo/platform';

/**
 * Issuer private keys at rest. Production would keep them in an HSM or a KMS (GM/T 0018 signing
 * server / 密码机) and never see the private key; this project keeps them in the city's own
 * database, encrypted when CREDENTIAL_KEY_ENCRYPTION_KEY is set:
 *
 *   SM4-CBC (random IV) then HMAC-SM3 over version ‖ key id ‖ IV ‖ ciphertext (encrypt-then-MAC,
 *   because Node's SM4 has no authenticated mode), with an encryption and a MAC key derived from
 *   the configured 128-bit key by HMAC-SM3 with distinct labels.
 *
 * Stored forms: `plain:<hex>` (no key configured) or
 * `sm4-cbc+hmac-sm3:v1:<kek id>:<iv hex>:<ciphertext hex>:<mac hex>`; the kek id (8 hex digits of
 * SM3 of the key) says which key sealed a row, so a wrong key is reported as such.
 */
export class KeyEncryption {
  private readonly encKey?: Buffer;
  private readonly macKey?: Buffer;
  readonly kekId?: string;

  constructor(keyEncryptionKeyHex?: string) {
    if (keyEncryptionKeyHex === undefined) return;
    if (!/^[0-9a-fA-F]{32}$/.test(keyEncryptionKeyHex)) throw new RangeError('key encryption key must be 32 hex digits (SM4, 128 bits)');
    const kek = Buffer.from(keyEncryptionKeyHex, 'hex');
    this.encKey = createHmac('sm3', kek).update('guangfo/credentials/issuer-key/encryption').digest().subarray(0, 16);
    this.macKey = createHmac('sm3', kek).update('guangfo/credentials/issuer-key/authentication').digest();
    this.kekId = sm3(kek).slice(0, 8);
  }

  get encrypting(): boolean {
    return this.encKey !== undefined;
  }

  seal(privateKeyHex: string, keyId: string): string {
    if (!this.encKey || !this.macKey || !this.kekId) return `plain:${privateKeyHex}`;
    const iv = randomBytes(16);
    const cipher = createCipheriv('sm4-cbc', this.encKey, iv);
    const ct = Buffer.concat([cipher.update(Buffer.from(privateKeyHex, 'hex')), cipher.final()]);
    return `sm4-cbc+hmac-sm3:v1:${this.kekId}:${iv.toString('hex')}:${ct.toString('hex')}:${this.mac(keyId, iv, ct).toString('hex')}`;
  }

  /** The private key (hex). Throws with a message an operator can act on. */
  open(stored: string, keyId: string): string {
    if (stored.startsWith('plain:')) return stored.slice('plain:'.length);
    const m = /^sm4-cbc\+hmac-sm3:v1:([0-9a-f]{8}):([0-9a-f]{32}):([0-9a-f]+):([0-9a-f]{64})$/.exec(stored);
    if (!m) throw new Error(`issuer key ${keyId}: unrecognised storage format`);
    const [, kekId, ivHex, ctHex, macHex] = m;
    if (!this.encKey || !this.macKey) throw new Error(`issuer key ${keyId} is encrypted (key ${kekId}) but CREDENTIAL_KEY_ENCRYPTION_KEY is not set`);
    if (kekId !== this.kekId) throw new Error(`issuer key ${keyId} was encrypted with key ${kekId}, but CREDENTIAL_KEY_ENCRYPTION_KEY is key ${this.kekId}`);
    const iv = Buffer.from(ivHex!, 'hex');
    const ct = Buffer.from(ctHex!, 'hex');
    if (!timingSafeEqual(this.mac(keyId, iv, ct), Buffer.from(macHex!, 'hex'))) throw new Error(`issuer key ${keyId}: integrity check failed (tampered row, or a row of another key)`);
    const decipher = createDecipheriv('sm4-cbc', this.encKey, iv);
    return Buffer.concat([decipher.update(ct), decipher.final()]).toString('hex');
  }

  private mac(keyId: string, iv: Buffer, ct: Buffer): Buffer {
    return createHmac('sm3', this.macKey!).update(`v1\u0000${keyId}\u0000`).update(iv).update(ct).digest();
  }
}
