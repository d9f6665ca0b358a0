import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh subscription secret, shown to the partner once. The HMAC key is this string's UTF-8 bytes. */
export const generateWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/** `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`, the `x-guangfo-signature` header. */
export const signWebhookBody = (secret: string, timestamp: string | number, body: string | Buffer): string =>
  `sha256=${createHmac('sha256', secret)
    .update(`${String(timestamp)}.`)
    .update(body)
    .digest('hex')}`;

export interface WebhookVerification {
  secret: string;
  /** `x-guangfo-timestamp` (Unix seconds). */
  timestamp: string | undefined;
  /** The raw body bytes as received. */
  body: string | Buffer;
  /** `x-guangfo-signature`. */
  signature: string | undefined;
  /** Maximum distance between the timestamp and `now` (default 300 s). */
  toleranceSeconds?: number;
  now?: Date;
}

/** What a partner does on receipt: constant-time comparison, and a timestamp within the tolerance. */
export const verifyWebhookSignature = (v: WebhookVerification): boolean => {
  if (!v.timestamp || !/^\d{1,12}$/.test(v.timestamp) || !v.signature) return false;
  const now = (v.now ?? new Date()).getTime() / 1000;
  if (Math.abs(now - Number(v.timestamp)) > (v.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhookBody(v.secret, v.timestamp, v.body));
  const given = Buffer.from(v.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
};
