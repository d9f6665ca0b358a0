import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Encrypts personal data at rest (the applicant's ID number): SM4-CBC with a random IV, then
 * HMAC-SM3 over version, IV and ciphertext (encrypt-then-MAC). Keys are derived with HKDF-SM3
 * from the node's secret key material and a purpose label, so the PII key is not the signing key
 * itself. Format: `v1.<iv>.<ciphertext>.<mac>` (base64url).
 */
export class PiiCipher {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;

  constructor(secret: Buffer | string, label = 'guangfo/affairs/pii/v1') {
    const ikm = typeof secret === 'string' ? Buffer.from(secret, /^[0-9a-f]+$/i.test(secret) ? 'hex' : 'utf8') : secret;
    if (ikm.length < 16) throw new RangeError('PII key material must be at least 128 bits');
    const okm = Buffer.from(hkdfSync('sm3', ikm, Buffer.from('guangfo-pii-salt'), Buffer.from(label), 48));
    this.encKey = okm.subarray(0, 16);
    this.macKey = okm.subarray(16);
  }

  encrypt(plain: string): string {
    const iv = randomBytes(16);
    const c = createCipheriv('sm4-cbc', this.encKey, iv);
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['v1', iv.toString('base64url'), ct.toString('base64url'), this.mac(iv, ct).toString('base64url')].join('.');
  }

  decrypt(token: string): string {
    const [v, ivB, ctB, macB] = token.split('.');
    if (v !== 'v1' || !ivB || !ctB || !macB) throw new Error('not a v1 PII token');
    const iv = Buffer.from(ivB, 'base64url');
    const ct = Buffer.from(ctB, 'base64url');
    const mac = Buffer.from(macB, 'base64url');
    const expected = this.mac(iv, ct);
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw new Error('PII token failed its integrity check');
    const d = createDecipheriv('sm4-cbc', this.encKey, iv);
    return Buffer.concat([d.update(ct), d.final()]).toString('utf8');
  }

  private mac(iv: Buffer, ct: Buffer): Buffer {
    return createHmac('sm3', this.macKey).update('v1').update(iv).update(ct).digest();
  }
}
