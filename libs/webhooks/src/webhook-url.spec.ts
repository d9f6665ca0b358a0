import { describe, expect, it } from '@jest/globals';
import { DENY_PRIVATE, type OutboundPolicy, refusalFor } from '@guangfo/platform';
import { checkWebhookUrl } from './webhook-url.js';

const LOOPBACK_OK: OutboundPolicy = { allowLoopback: true, allowedNetworks: [] };
const isForbiddenAddress = (ip: string) => refusalFor(ip, DENY_PRIVATE) !== null;
import { webhookBackoffMs } from './webhook.policy.js';

describe('webhook URL rules', () => {
  it('accepts https to public hosts everywhere', () => {
    expect(checkWebhookUrl('https://partner.example.cn/hooks', DENY_PRIVATE).ok).toBe(true);
    expect(checkWebhookUrl('https://203.0.113.7:8443/hooks', DENY_PRIVATE).ok).toBe(true);
  });

  it('refuses the metadata, private and loopback targets even where loopback is allowed (the finding: accepted on npm start)', () => {
    for (const u of [
      'https://169.254.169.254/latest',
      'https://10.0.0.1/x',
      'https://192.168.1.1/',
      'https://[fe80::1]/',
      'https://[::ffff:169.254.169.254]/',
      'https://0.0.0.0/',
    ]) {
      expect({ u, ok: checkWebhookUrl(u, LOOPBACK_OK).ok }).toEqual({ u, ok: false });
    }
    // Loopback itself only by explicit setting: the finding's https://127.0.0.1:5432/ on a default node.
    expect(checkWebhookUrl('https://127.0.0.1:5432/', DENY_PRIVATE).ok).toBe(false);
  });

  it('accepts http only to loopback, and only where loopback is explicitly allowed', () => {
    expect(checkWebhookUrl('http://127.0.0.1:4000/hook', LOOPBACK_OK).ok).toBe(true);
    expect(checkWebhookUrl('http://localhost:4000/hook', LOOPBACK_OK).ok).toBe(true);
    expect(checkWebhookUrl('http://[::1]:4000/hook', LOOPBACK_OK).ok).toBe(true);
    expect(checkWebhookUrl('http://127.0.0.1:4000/hook', DENY_PRIVATE).ok).toBe(false);
    expect(checkWebhookUrl('http://partner.example.cn/hook', LOOPBACK_OK).ok).toBe(false);
  });

  it('refuses other schemes, credentials, fragments and non-URLs', () => {
    for (const u of [
      'ftp://partner.example.cn/x',
      'file:///etc/passwd',
      'https://user:pw@partner.example.cn/',
      'https://partner.example.cn/#x',
      'not a url',
      'javascript:alert(1)',
    ]) {
      expect(checkWebhookUrl(u, LOOPBACK_OK).ok).toBe(false);
    }
  });

  it('refuses private, loopback and link-local targets outside the sandbox (SSRF)', () => {
    for (const u of [
      'https://10.1.2.3/',
      'https://192.168.1.1/',
      'https://172.16.0.1/',
      'https://169.254.169.254/latest',
      'https://127.0.0.1/',
      'https://localhost/',
      'https://[::1]/',
      'https://[fd00::1]/',
      'https://[::ffff:10.0.0.1]/',
      'https://0.0.0.0/',
    ]) {
      expect({ u, ok: checkWebhookUrl(u, DENY_PRIVATE).ok }).toEqual({ u, ok: false });
    }
    expect(isForbiddenAddress('8.8.8.8')).toBe(false);
    expect(isForbiddenAddress('2001:db8::1')).toBe(false);
    expect(isForbiddenAddress('100.64.0.1')).toBe(true);
  });

  it('backs off exponentially up to the cap', () => {
    const p = { baseBackoffMs: 100, maxBackoffMs: 1000 };
    expect([1, 2, 3, 4, 5, 30].map((n) => webhookBackoffMs(p, n))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});
