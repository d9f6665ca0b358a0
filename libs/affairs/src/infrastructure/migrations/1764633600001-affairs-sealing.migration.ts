import { createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { type MigrationClass, resealColumn, type ResealKeys } from '@guangfo/platform';
import { applicantIdAd } from '../applicant-id.seal.js';

/**
 * The old applicant-ID cipher (before the data-sealing keyring): SM4-CBC + HMAC-SM3 under keys
 * derived from the event-signing key, `v1.<iv>.<ciphertext>.<mac>`, with no key id. Kept here only,
 * to re-seal existing rows.
 */
export const openLegacyApplicantId = (signingKeyHex: string, token: string): string => {
  const ikm = Buffer.from(signingKeyHex, 'hex');
  const okm = Buffer.from(hkdfSync('sm3', ikm, Buffer.from('guangfo-pii-salt'), Buffer.from('guangfo/affairs/pii/v1'), 48));
  const encKey = okm.subarray(0, 16);
  const macKey = okm.subarray(16);
  const [v, ivB, ctB, macB] = token.split('.');
  if (v !== 'v1' || !ivB || !ctB || !macB) throw new Error('not a v1 PII token');
  const iv = Buffer.from(ivB, 'base64url');
  const ct = Buffer.from(ctB, 'base64url');
  const mac = Buffer.from(macB, 'base64url');
  const expected = createHmac('sm3', macKey).update('v1').update(iv).update(ct).digest();
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) {
    throw new Error('PII token failed its integrity check: run the migration with the EVENT_SIGNING_KEY the node used before');
  }
  const d = createDecipheriv('sm4-cbc', encKey, iv);
  return Buffer.concat([d.update(ct), d.final()]).toString('utf8');
};

/** Schema `affairs`: applicants' ID numbers re-sealed from the signing-key-derived cipher to the data-sealing keyring. */
export const affairsSealingMigration = (keys: ResealKeys): MigrationClass =>
  class AffairsSealing1764633600001 {
    name = 'AffairsSealing1764633600001';

    async up(q: QueryRunner): Promise<void> {
      await resealColumn(q, keys, {
        table: 'affairs."case"',
        idColumn: 'id',
        column: 'applicant_id_cipher',
        ad: applicantIdAd,
        openLegacy: (value) => openLegacyApplicantId(keys.signingKey.privateKeyHex, value),
      });
    }

    /** Irreversible: the old cipher depended on the signing key. ID numbers stay sealed with the keyring. */
    async down(): Promise<void> {}
  };
