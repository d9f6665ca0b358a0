import { Injectable } from '@nestjs/common';
import type { UserPrincipal } from './principal.js';

const VERIFIED_TOKEN_ENTRIES = 10_000;

/**
 * Bearer tokens this node has verified in full (ES256 signature, issuer, audience, expiry, then the claims), each with the
 * principal it gave, kept until the token expires: a session sends the same token with every request, and verifying it
 * again (a signature verification and a passport round) was the largest single cost of a request's authentication.
 *
 * The key is the token's exact text, so any changed byte is another token and is verified in full; only tokens that passed
 * are remembered, and only those with an `exp`. A remembered token is given up at its `exp` on the same clock and with the
 * same rule as the verifier (jsonwebtoken: expired once now ≥ exp, in whole seconds of the system time), so remembering
 * never lengthens a token's life. A bearer token is not revocable before it expires here (nothing in the node revokes one),
 * so there is nothing else to re-check. Bounded: when full, the oldest entry goes first (a Map iterates in insertion order).
 */
@Injectable()
export class VerifiedTokens {
  private readonly entries = new Map<string, { principal: UserPrincipal; exp: number }>();

  /** The principal of a token verified before and not expired yet (a copy: the caller may annotate it). */
  principalOf(token: string): UserPrincipal | undefined {
    const hit = this.entries.get(token);
    if (!hit) return undefined;
    if (Math.floor(Date.now() / 1000) >= hit.exp) {
      this.entries.delete(token);
      return undefined;
    }
    return { ...hit.principal };
  }

  /** After a full verification: remember what the token gave, until `exp` (seconds since the epoch). */
  remember(token: string, principal: UserPrincipal, exp: unknown): void {
    if (typeof exp !== 'number' || !Number.isFinite(exp)) return;
    this.entries.delete(token);
    if (this.entries.size >= VERIFIED_TOKEN_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { principal: { ...principal }, exp });
  }

  get size(): number {
    return this.entries.size;
  }
}
