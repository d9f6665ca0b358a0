import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Webhook secrets must be recoverable (the node signs with them), so they are sealed, not hashed:
 * AES-256-GCM under a key derived (HKDF-SHA256, its own salt and info) from the node's
 * event-signing key, bound to the subscription id. Format: `v1.<keyId>.<iv>.<tag>.<ciphertext>`
 * (base64url parts). A seal made under another signing key does not open: rotate the secret.
 */
export class WebhookSecretSealer {
  private readonly key: Buffer;

  constructor(
    private readonly keyId: string,
    signingKeyHex: string,
    cityCode: string,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(signingKeyHex, 'hex'), 'guangfo/webhook-secret-seal/v1', `city:${cityCode}`, 32));
  }

  seal(secret: string, subscriptionId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(subscriptionId));
    const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    const b = (x: Buffer) => x.toString('base64url');
    return ['v1', b(Buffer.from(this.keyId)), b(iv), b(cipher.getAuthTag()), b(ct)].join('.');
  }

  open(sealed: string, subscriptionId: string): string {
    const [v, keyId, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !keyId || !iv || !tag || ct === undefined) throw new Error('webhook secret: unknown seal format');
    const sealedUnder = Buffer.from(keyId, 'base64url').toString();
    if (sealedUnder !== this.keyId) throw new Error(`webhook secret sealed under another key (${sealedUnder}): the partner must rotate the secret`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(subscriptionId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }
}
