import { describe, expect, it } from '@jest/globals';
import {
  classifyAddress,
  DENY_PRIVATE,
  guardedLookup,
  type OutboundPolicy,
  parseAllowedNetworks,
  refusalFor,
  refusalForHost,
} from './outbound-policy.js';
import { outboundRequest } from './outbound-request.js';

const LOOPBACK_OK: OutboundPolicy = { allowLoopback: true, allowedNetworks: [] };
const EXTRANET: OutboundPolicy = { allowLoopback: false, allowedNetworks: ['10.20.0.0/16', 'fd12:3456::/32'] };

const lookup = (policy: OutboundPolicy, host: string) =>
  new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
    guardedLookup(policy)(host, {}, (err, address) => resolve({ err, address })),
  );

describe('outbound policy (SSRF)', () => {
  it('classifies addresses, IPv4-mapped IPv6 as its IPv4 address', () => {
    expect(
      ['169.254.169.254', '0.0.0.0', '224.0.0.1', 'fe80::1', '::', '::ffff:169.254.169.254', '64:ff9b::a9fe:a9fe'].map(classifyAddress),
    ).toEqual(Array(7).fill('never'));
    expect(['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1'].map(classifyAddress)).toEqual(Array(4).fill('loopback'));
    expect(['10.0.0.1', '172.16.0.1', '192.168.1.1', '100.64.0.1', 'fd00::1', '::ffff:10.0.0.1'].map(classifyAddress)).toEqual(
      Array(6).fill('private'),
    );
    expect(['8.8.8.8', '203.0.113.7', '2001:db8::1', '[2400:3200::1]'].map(classifyAddress)).toEqual(Array(4).fill('public'));
    expect(classifyAddress('partner.example.cn')).toBeUndefined();
  });

  it('refuses metadata and link-local always, loopback and private unless allowed', () => {
    for (const policy of [DENY_PRIVATE, LOOPBACK_OK, EXTRANET])
      expect(refusalFor('169.254.169.254', policy)).toMatch(/link-local|metadata/);
    expect(refusalFor('127.0.0.1', DENY_PRIVATE)).toMatch(/loopback/);
    expect(refusalFor('127.0.0.1', LOOPBACK_OK)).toBeNull();
    expect(refusalFor('10.0.0.1', LOOPBACK_OK)).toMatch(/private/);
    expect(refusalFor('10.20.3.4', EXTRANET)).toBeNull();
    expect(refusalFor('10.21.3.4', EXTRANET)).toMatch(/outside the allowed networks/);
    expect(refusalFor('fd12:3456::7', EXTRANET)).toBeNull();
    expect(refusalFor('::ffff:10.20.3.4', EXTRANET)).toBeNull();
    expect(refusalFor('8.8.8.8', DENY_PRIVATE)).toBeNull();
  });

  it('checks hosts as written: loopback names, bracketed IPv6, names left to the connect-time check', () => {
    expect(refusalForHost('localhost', DENY_PRIVATE)).toMatch(/loopback/);
    expect(refusalForHost('api.localhost', DENY_PRIVATE)).toMatch(/loopback/);
    expect(refusalForHost('[::1]', DENY_PRIVATE)).toMatch(/loopback/);
    expect(refusalForHost('LOCALHOST', LOOPBACK_OK)).toBeNull();
    expect(refusalForHost('partner.example.cn', DENY_PRIVATE)).toBeNull();
  });

  it('refuses to allow never-ranges or malformed networks by configuration', () => {
    expect(() => parseAllowedNetworks(['169.254.0.0/16'])).toThrow(/never be allowed/);
    expect(() => parseAllowedNetworks(['10.0.0.0/33'])).toThrow(/not a CIDR/);
    expect(() => parseAllowedNetworks(['intranet'])).toThrow(/not a CIDR/);
    expect(() => parseAllowedNetworks(['10.0.0.0/8', 'fd00::/8'])).not.toThrow();
  });

  it('refuses at connect time a name that resolves to a refused address (DNS rebinding)', async () => {
    const refused = await lookup(DENY_PRIVATE, 'localhost');
    expect(refused.err?.code).toBe('EFORBIDDENADDRESS');
    expect(refused.err?.message).toMatch(/forbidden address/);
    const allowed = await lookup(LOOPBACK_OK, 'localhost');
    expect(allowed.err).toBeNull();
  });

  it('never opens a connection to a refused literal address', async () => {
    // Loopback only: if the check failed, the attempt would stay on this machine.
    await expect(outboundRequest('http://127.0.0.1:9/x', { method: 'GET', timeoutMs: 1000, policy: DENY_PRIVATE })).rejects.toMatchObject({
      code: 'EFORBIDDENADDRESS',
    });
    await expect(outboundRequest('ftp://127.0.0.1/x', { method: 'GET', timeoutMs: 1000, policy: LOOPBACK_OK })).rejects.toMatchObject({
      code: 'EFORBIDDENADDRESS',
    });
  });
});
