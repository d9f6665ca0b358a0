import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) FORBIDDEN.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) FORBIDDEN.addSubnet(net, prefix, 'ipv6');

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

const unbracket = (host: string): string => host.replace(/^\[(.*)\]$/, '$1');

/** Loopback, private, link-local, CGNAT, multicast, reserved or unspecified: never a partner endpoint outside the sandbox. */
export const isForbiddenAddress = (address: string): boolean => {
  const ip = unbracket(address);
  const family = isIP(ip);
  if (family === 4) return FORBIDDEN.check(ip, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    if (mapped) return FORBIDDEN.check(mapped[1], 'ipv4');
    return FORBIDDEN.check(ip, 'ipv6');
  }
  return false;
};

export type WebhookUrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * `https://` anywhere public; `http://` only to a loopback host, and only on the sandbox.
 * Outside the sandbox, literal private addresses and `localhost` are refused here, and names
 * resolving to them are refused at connect time ({@link guardedLookup}).
 */
export const checkWebhookUrl = (raw: string, sandbox: boolean): WebhookUrlVerdict => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not an absolute URL' };
  }
  if (url.username || url.password) return { ok: false, reason: 'credentials in the URL are not allowed' };
  if (url.hash) return { ok: false, reason: 'a fragment is not allowed' };
  const host = url.hostname.toLowerCase();
  const loopback = LOOPBACK_HOSTS.has(host) || (isIP(unbracket(host)) !== 0 && /^127\./.test(unbracket(host)));
  if (url.protocol === 'http:') {
    if (sandbox && loopback) return { ok: true, url };
    return { ok: false, reason: sandbox ? 'http:// is allowed only to a loopback host (127.0.0.1, ::1, localhost)' : 'https:// is required' };
  }
  if (url.protocol !== 'https:') return { ok: false, reason: 'https:// is required' };
  if (!sandbox && (host === 'localhost' || host.endsWith('.localhost') || isForbiddenAddress(host))) {
    return { ok: false, reason: 'loopback, private and link-local addresses are not allowed' };
  }
  return { ok: true, url };
};

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http(s).request that refuses names resolving to forbidden addresses (DNS rebinding / SSRF). */
export const guardedLookup = (hostname: string, options: object, callback: LookupCallback): void => {
  dnsLookup(hostname, { ...(options as Record<string, unknown>), all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses as LookupAddress[];
    const bad = list.find((a) => isForbiddenAddress(a.address));
    if (bad) {
      const e: NodeJS.ErrnoException = new Error(`${hostname} resolves to a forbidden address (${bad.address})`);
      e.code = 'EFORBIDDENADDRESS';
      return callback(e, []);
    }
    if ((options as { all?: boolean }).all) return callback(null, list);
    return callback(null, list[0].address, list[0].family);
  });
};
