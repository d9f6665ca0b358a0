import { createDecipheriv, hkdfSync } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { type MigrationClass, resealColumn, type ResealKeys } from '@guangfo/platform';
import { webhookSecretAd } from '../webhook-secret.seal.js';

/**
 * The old webhook-secret seal (before the data-sealing keyring): AES-256-GCM under a key derived
 * from the event-signing key, `v1.<keyId>.<iv>.<tag>.<ciphertext>`, bound to the subscription id.
 * Kept here only, to re-seal existing rows.
 */
export const openLegacyWebhookSecret = (
  keys: Pick<ResealKeys, 'signingKey' | 'cityCode'>,
  sealed: string,
  subscriptionId: string,
): string => {
  const [v, keyId, iv, tag, ct] = sealed.split('.');
  if (v !== 'v1' || !keyId || !iv || !tag || ct === undefined) throw new Error('webhook secret: unknown seal format');
  const sealedUnder = Buffer.from(keyId, 'base64url').toString();
  if (sealedUnder !== keys.signingKey.keyId) {
    throw new Error(
      `webhook secret sealed under signing key ${sealedUnder}, but EVENT_SIGNING_KEY is ${keys.signingKey.keyId}: run the migration with the key it was sealed under`,
    );
  }
  const key = Buffer.from(
    hkdfSync('sha256', Buffer.from(keys.signingKey.privateKeyHex, 'hex'), 'guangfo/webhook-secret-seal/v1', `city:${keys.cityCode}`, 32),
  );
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(subscriptionId));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
};

/** Schema `platform`: webhook secrets re-sealed from the signing-key-derived seal to the data-sealing keyring. */
export const platformSealingMigration = (keys: ResealKeys): MigrationClass =>
  class PlatformSealing1764633600000 {
    name = 'PlatformSealing1764633600000';

    async up(q: QueryRunner): Promise<void> {
      await resealColumn(q, keys, {
        table: 'platform.webhook_subscription',
        idColumn: 'id',
        column: 'secret_sealed',
        ad: (id) => webhookSecretAd(id),
        openLegacy: (value, id) => openLegacyWebhookSecret(keys, value, id),
      });
    }

    /** Irreversible: the old seal depended on the signing key. Secrets stay sealed with the keyring. */
    async down(): Promise<void> {}
  };
