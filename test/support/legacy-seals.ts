import { createCipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The schemes used before the data-sealing keyring, re-created here only to write old-format rows
 * that the re-sealing migrations must convert (their decryption lives in the migrations).
 */
export const legacyPiiEncrypt = (signingKeyHex: string, plain: string): string => {
  const okm = Buffer.from(
    hkdfSync('sm3', Buffer.from(signingKeyHex, 'hex'), Buffer.from('guangfo-pii-salt'), Buffer.from('guangfo/affairs/pii/v1'), 48),
  );
  const iv = randomBytes(16);
  const c = createCipheriv('sm4-cbc', okm.subarray(0, 16), iv);
  const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  const mac = createHmac('sm3', okm.subarray(16)).update('v1').update(iv).update(ct).digest();
  return ['v1', iv.toString('base64url'), ct.toString('base64url'), mac.toString('base64url')].join('.');
};

export const legacyWebhookSeal = (
  signing: { keyId: string; privateKeyHex: string },
  cityCode: string,
  secret: string,
  subscriptionId: string,
): string => {
  const key = Buffer.from(
    hkdfSync('sha256', Buffer.from(signing.privateKeyHex, 'hex'), 'guangfo/webhook-secret-seal/v1', `city:${cityCode}`, 32),
  );
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(subscriptionId));
  const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  const b = (x: Buffer) => x.toString('base64url');
  return ['v1', b(Buffer.from(signing.keyId)), b(iv), b(cipher.getAuthTag()), b(ct)].join('.');
};
