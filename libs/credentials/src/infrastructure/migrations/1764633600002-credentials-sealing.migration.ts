import { createDecipheriv, createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { type MigrationClass, resealColumn, type ResealKeys } from '@guangfo/platform';
import { issuerKeyAd } from '../key-encryption.js';

/**
 * The old issuer-key storage (before the data-sealing keyring): `plain:<hex>` when no key was set,
 * or `sm4-cbc+hmac-sm3:v1:<kek id>:<iv>:<ciphertext>:<mac>` under CREDENTIAL_KEY_ENCRYPTION_KEY.
 * Kept here only, to re-seal existing rows. Returns the private key's bytes.
 */
export const openLegacyIssuerKey = (kekHex: string | undefined, stored: string, keyId: string): Buffer => {
  if (stored.startsWith('plain:')) return Buffer.from(stored.slice('plain:'.length), 'hex');
  const m = /^sm4-cbc\+hmac-sm3:v1:([0-9a-f]{8}):([0-9a-f]{32}):([0-9a-f]+):([0-9a-f]{64})$/.exec(stored);
  if (!m) throw new Error(`issuer key ${keyId}: unrecognised storage format`);
  const [, kekId, ivHex, ctHex, macHex] = m;
  if (!kekHex)
    throw new Error(`issuer key ${keyId} is encrypted (key ${kekId}): set CREDENTIAL_KEY_ENCRYPTION_KEY to that key for this migration`);
  const kek = Buffer.from(kekHex, 'hex');
  const own = createHash('sm3').update(kek).digest('hex').slice(0, 8);
  if (kekId !== own)
    throw new Error(`issuer key ${keyId} was encrypted with key ${kekId}, but CREDENTIAL_KEY_ENCRYPTION_KEY is key ${own}`);
  const encKey = createHmac('sm3', kek).update('guangfo/credentials/issuer-key/encryption').digest().subarray(0, 16);
  const macKey = createHmac('sm3', kek).update('guangfo/credentials/issuer-key/authentication').digest();
  const iv = Buffer.from(ivHex!, 'hex');
  const ct = Buffer.from(ctHex!, 'hex');
  const mac = createHmac('sm3', macKey).update(`v1\u0000${keyId}\u0000`).update(iv).update(ct).digest();
  if (!timingSafeEqual(mac, Buffer.from(macHex!, 'hex')))
    throw new Error(`issuer key ${keyId}: integrity check failed (tampered row, or a row of another key)`);
  const decipher = createDecipheriv('sm4-cbc', encKey, iv);
  return Buffer.concat([decipher.update(ct), decipher.final()]);
};

/** Schema `credentials`: issuer private keys re-sealed (from plain or the old KEK seal) to the data-sealing keyring. */
export const credentialsSealingMigration = (keys: ResealKeys): MigrationClass =>
  class CredentialsSealing1764633600002 {
    name = 'CredentialsSealing1764633600002';

    async up(q: QueryRunner): Promise<void> {
      await resealColumn(q, keys, {
        table: 'credentials.issuer_key',
        idColumn: 'key_id',
        column: 'private_key',
        ad: issuerKeyAd,
        openLegacy: (value, id) => openLegacyIssuerKey(keys.legacyCredentialKek, value, id),
      });
    }

    /** Irreversible: issuer keys stay sealed with the keyring. */
    async down(): Promise<void> {}
  };
