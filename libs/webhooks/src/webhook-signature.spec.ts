import { describe, expect, it } from '@jest/globals';
import { generateWebhookSecret, signWebhookBody, verifyWebhookSignature } from './webhook-signature.js';

describe('webhook HMAC signature', () => {
  const now = new Date(1_764_300_000 * 1000);

  it('is sha256=<hex HMAC-SHA256(secret, timestamp "." body)> (known answer, computed with Python hmac)', () => {
    expect(signWebhookBody('whsec_test', '1764300000', '{"a":1}')).toBe(
      'sha256=ae8cd8988e6cfa1e616760b15a9a00246de8f63a1dab43bf9fa252f535686403',
    );
    expect(signWebhookBody('whsec_test', 1764300000, Buffer.from('{"a":1}'))).toBe(signWebhookBody('whsec_test', '1764300000', '{"a":1}'));
  });

  it('verifies what it signs, and nothing altered', () => {
    const secret = generateWebhookSecret();
    const body = JSON.stringify({ eventId: 'e1', data: { status: 'accepted' } });
    const signature = signWebhookBody(secret, '1764300000', body);
    expect(verifyWebhookSignature({ secret, timestamp: '1764300000', body, signature, now })).toBe(true);
    expect(verifyWebhookSignature({ secret, timestamp: '1764300000', body: body.replace('accepted', 'rejected'), signature, now })).toBe(
      false,
    );
    expect(verifyWebhookSignature({ secret, timestamp: '1764300001', body, signature, now })).toBe(false);
    expect(verifyWebhookSignature({ secret: generateWebhookSecret(), timestamp: '1764300000', body, signature, now })).toBe(false);
    expect(verifyWebhookSignature({ secret, timestamp: '1764300000', body, signature: signature.slice(0, -1), now })).toBe(false);
    expect(verifyWebhookSignature({ secret, timestamp: undefined, body, signature, now })).toBe(false);
    expect(verifyWebhookSignature({ secret, timestamp: '1764300000', body, signature: undefined, now })).toBe(false);
  });

  it('refuses a timestamp outside the tolerance (replay of an old delivery)', () => {
    const secret = generateWebhookSecret();
    const old = String(1_764_300_000 - 301);
    const signature = signWebhookBody(secret, old, 'x');
    expect(verifyWebhookSignature({ secret, timestamp: old, body: 'x', signature, now })).toBe(false);
    expect(verifyWebhookSignature({ secret, timestamp: old, body: 'x', signature, now, toleranceSeconds: 600 })).toBe(true);
  });

  it('generates distinct high-entropy secrets', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(generateWebhookSecret()).not.toBe(a);
  });
});
