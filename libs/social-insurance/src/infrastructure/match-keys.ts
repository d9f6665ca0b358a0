import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { NODE_CONFIG, type NodeConfig } from '@guangfo/platform';

/** A match key the cities share for cross-checks (数据比对), by key id. */
export interface MatchKey {
  keyId: string;
  keyHex: string;
}

/**
 * The sandbox's match key when SOCIAL_INSURANCE_MATCH_KEYS is not set: public (it is in the
 * repository), like the sandbox's demo keys, and never used outside the sandbox.
 */
export const DEMO_MATCH_KEY: MatchKey = {
  keyId: 'match-demo-2026',
  keyHex: '6d61746368206b65792064656d6f2032303236202d2073616e64626f78206f6e',
};

/** `keyId:hex,keyId:hex`, newest first. */
export const parseMatchKeys = (value: string): MatchKey[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [keyId, keyHex] = s.split(':');
      if (!keyId || !/^[A-Za-z0-9_-]{1,64}$/.test(keyId) || !keyHex || !/^[0-9a-fA-F]{64}$/.test(keyHex))
        throw new Error('SOCIAL_INSURANCE_MATCH_KEYS: keyId:<64 hex digits>, comma-separated, newest first');
      return { keyId, keyHex: keyHex.toLowerCase() };
    });

/**
 * Keyed hashes for cross-checks without ID numbers: HMAC-SM3 under a key every city holds
 * (SOCIAL_INSURANCE_MATCH_KEYS, distributed out of band like the registry), rotated by key id: the
 * sender names the key, the receiver answers with the same key or refuses an unknown one.
 */
@Injectable()
export class MatchKeys {
  private readonly keys: MatchKey[];

  constructor(@Inject(NODE_CONFIG) config: NodeConfig) {
    const env = process.env.SOCIAL_INSURANCE_MATCH_KEYS;
    this.keys = env ? parseMatchKeys(env) : config.sandbox ? [DEMO_MATCH_KEY] : [];
  }

  /** The key new checks use (undefined: cross-checks are not configured on this node). */
  current(): MatchKey | undefined {
    return this.keys[0];
  }

  has(keyId: string): boolean {
    return this.keys.some((k) => k.keyId === keyId);
  }

  hash(keyId: string, idNumber: string): string {
    const k = this.keys.find((x) => x.keyId === keyId);
    if (!k) throw new Error(`no match key ${keyId}`);
    return matchHash(k.keyHex, idNumber);
  }
}

/** HMAC-SM3(key, "guangfo/si-match/v1" NUL idNumber), hex. */
export const matchHash = (keyHex: string, idNumber: string): string =>
  createHmac('sm3', Buffer.from(keyHex, 'hex')).update(`guangfo/si-match/v1\u0000${idNumber.toUpperCase()}`).digest('hex');
