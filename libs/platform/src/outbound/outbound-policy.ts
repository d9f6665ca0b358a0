import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Where a node's own outbound HTTP may go (partner webhooks, peer file fetches). One rule for
 * every outbound call, checked on the URL's host when it is given and again on every resolved
 * address at connect time (so a name that later resolves elsewhere — DNS rebinding — is refused):
 * - never link-local (169.254/16 with the cloud metadata address, fe80::/10), unspecified,
 *   multicast or reserved ranges, nor NAT64 (64:ff9b::/96, which can reach any IPv4 address);
 * - loopback only when the policy says so (the sandbox's own peers; tests);
 * - private ranges (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, 198.18/15) only inside the
 *   networks the operator lists (e.g. the government extranet the city nodes share);
 * - everything else (public addresses) is allowed.
 */
export interface OutboundPolicy {
  readonly allowLoopback: boolean;
  /** CIDRs, e.g. `10.20.0.0/16`; private addresses outside them are refused. */
  readonly allowedNetworks: readonly string[];
}

export const DENY_PRIVATE: OutboundPolicy = { allowLoopback: false, allowedNetworks: [] };

const subnets = (list: readonly (readonly [string, number])[], family: 'ipv4' | 'ipv6', into = new BlockList()): BlockList => {
  for (const [net, prefix] of list) into.addSubnet(net, prefix, family);
  return into;
};

const NEVER = subnets(
  [
    ['0.0.0.0', 8],
    ['169.254.0.0', 16],
    ['192.0.0.0', 24],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ],
  'ipv4',
);
subnets(
  [
    ['::', 128],
    ['fe80::', 10],
    ['ff00::', 8],
    ['64:ff9b::', 96],
  ],
  'ipv6',
  NEVER,
);
const LOOPBACK = subnets([['127.0.0.0', 8]], 'ipv4');
subnets([['::1', 128]], 'ipv6', LOOPBACK);
const PRIVATE = subnets(
  [
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
  ],
  'ipv4',
);
subnets([['fc00::', 7]], 'ipv6', PRIVATE);

export type AddressClass = 'never' | 'loopback' | 'private' | 'public';

const unbracket = (host: string): string => host.replace(/^\[(.*)\]$/, '$1');

/** The class of a literal IP address (IPv4-mapped IPv6 counts as its IPv4 address); undefined for a name. */
export const classifyAddress = (address: string): AddressClass | undefined => {
  let ip = unbracket(address);
  let family = isIP(ip);
  if (family === 0) return undefined;
  const mapped = family === 6 ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip) : null;
  if (mapped) {
    ip = mapped[1];
    family = 4;
  }
  const f = family === 4 ? 'ipv4' : 'ipv6';
  if (NEVER.check(ip, f)) return 'never';
  if (LOOPBACK.check(ip, f)) return 'loopback';
  if (PRIVATE.check(ip, f)) return 'private';
  return 'public';
};

/** Parses `a.b.c.d/n` and `x::/n` CIDRs; throws with the offending entry. Link-local and other never-ranges cannot be allowed. */
export const parseAllowedNetworks = (list: readonly string[]): BlockList => {
  const allowed = new BlockList();
  for (const cidr of list) {
    const m = /^([^/\s]+)\/(\d{1,3})$/.exec(cidr.trim());
    const family = m ? isIP(m[1]) : 0;
    const prefix = m ? Number(m[2]) : NaN;
    if (!m || family === 0 || prefix > (family === 4 ? 32 : 128)) throw new Error(`not a CIDR network: ${cidr}`);
    if (classifyAddress(m[1]) === 'never') throw new Error(`${cidr} is link-local, reserved or multicast and can never be allowed`);
    allowed.addSubnet(m[1], prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return allowed;
};

const compiled = new WeakMap<OutboundPolicy, BlockList>();
const allowedOf = (policy: OutboundPolicy): BlockList => {
  let b = compiled.get(policy);
  if (!b) compiled.set(policy, (b = parseAllowedNetworks(policy.allowedNetworks)));
  return b;
};

/** Why an address may not be connected to under `policy`, or null when it may. */
export const refusalFor = (address: string, policy: OutboundPolicy): string | null => {
  const cls = classifyAddress(address);
  if (cls === undefined) return `${address} is not an IP address`;
  switch (cls) {
    case 'public':
      return null;
    case 'never':
      return `${address} is a link-local, metadata, reserved or multicast address`;
    case 'loopback':
      return policy.allowLoopback ? null : `${address} is a loopback address`;
    case 'private': {
      const ip = unbracket(address).replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
      return allowedOf(policy).check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6')
        ? null
        : `${address} is a private address outside the allowed networks`;
    }
  }
};

const LOOPBACK_NAMES = /^(localhost|localhost\.localdomain)$|\.localhost$/i;

/** The URL-level check: the host as written (literal address or a loopback name). Names are checked again when resolved. */
export const refusalForHost = (hostname: string, policy: OutboundPolicy): string | null => {
  const host = unbracket(hostname.toLowerCase());
  if (LOOPBACK_NAMES.test(host)) return policy.allowLoopback ? null : `${host} is a loopback name`;
  if (isIP(host) === 0) return null;
  return refusalFor(host, policy);
};

/** True when `hostname` is a loopback address or name. */
export const isLoopbackHost = (hostname: string): boolean => {
  const host = unbracket(hostname.toLowerCase());
  return LOOPBACK_NAMES.test(host) || classifyAddress(host) === 'loopback';
};

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request that refuses a name when any address it resolves to is refused
 * by the policy (connect-time check; DNS rebinding). The error has code EFORBIDDENADDRESS.
 */
export const guardedLookup =
  (policy: OutboundPolicy) =>
  (hostname: string, options: object, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...(options as Record<string, unknown>), all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      for (const a of list) {
        const why = refusalFor(a.address, policy);
        if (why) {
          const e: NodeJS.ErrnoException = new Error(`${hostname} resolves to a forbidden address: ${why}`);
          e.code = 'EFORBIDDENADDRESS';
          return callback(e, []);
        }
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  };
