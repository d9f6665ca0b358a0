import { describe, expect, it } from '@jest/globals';
import { checkWebhookUrl, isForbiddenAddress } from './webhook-url.js';
import { webhookBackoffMs } from './webhook.policy.js';

describe('webhook URL rules', () => {
  it('accepts https to public hosts everywhere', () => {
    expect(checkWebhookUrl('https://partner.example.cn/hooks', false).ok).toBe(true);
    expect(checkWebhookUrl('https://203.0.113.7:8443/hooks', false).ok).toBe(true);
  });

  it('accepts http only to loopback, and only on the sandbox', () => {
    expect(checkWebhookUrl('http://127.0.0.1:4000/hook', true).ok).toBe(true);
    expect(checkWebhookUrl('http://localhost:4000/hook', true).ok).toBe(true);
    expect(checkWebhookUrl('http://[::1]:4000/hook', true).ok).toBe(true);
    expect(checkWebhookUrl('http://127.0.0.1:4000/hook', false).ok).toBe(false);
    expect(checkWebhookUrl('http://partner.example.cn/hook', true).ok).toBe(false);
  });

  it('refuses other schemes, credentials, fragments and non-URLs', () => {
    for (const u of ['ftp://partner.example.cn/x', 'file:///etc/passwd', 'https://user:pw@partner.example.cn/', 'https://partner.example.cn/#x', 'not a url', 'javascript:alert(1)']) {
      expect(checkWebhookUrl(u, true).ok).toBe(false);
    }
  });

  it('refuses private, loopback and link-local targets outside the sandbox (SSRF)', () => {
    for (const u of ['https://10.1.2.3/', 'https://192.168.1.1/', 'https://172.16.0.1/', 'https://169.254.169.254/latest', 'https://127.0.0.1/', 'https://localhost/', 'https://[::1]/', 'https://[fd00::1]/', 'https://[::ffff:10.0.0.1]/', 'https://0.0.0.0/']) {
      expect({ u, ok: checkWebhookUrl(u, false).ok }).toEqual({ u, ok: false });
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
