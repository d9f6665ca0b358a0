import { randomBytes } from 'node:crypto';
import { sm2Sign, sm2Verify } from '@guangfo/gm-crypto';
import type { CityRegistry } from '@guangfo/platform';

/** Node-to-node HTTP requests are signed with the requesting city's SM2 event-signing key. */
export const INTERCHANGE_HEADERS = {
  city: 'x-guangfo-city',
  keyId: 'x-guangfo-keyid',
  date: 'x-guangfo-date',
  nonce: 'x-guangfo-nonce',
  signature: 'x-guangfo-signature',
} as const;

/** Largest accepted distance between the request date and the receiver's clock. */
export const INTERCHANGE_MAX_SKEW_MS = 5 * 60 * 1000;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;

export interface InterchangeSigningFields {
  method: string;
  /** Path with query, as requested: `/api/v1/interchange/files/<id>`. */
  path: string;
  date: string;
  fromCity: string;
  toCity: string;
  nonce: string;
}

export const interchangeSigningString = (f: InterchangeSigningFields): string =>
  ['GUANGFO-REQ-V1', f.method.toUpperCase(), f.path, f.date, f.fromCity, f.toCity, f.nonce].join('\n');

export interface InterchangeSignRequest {
  method: string;
  path: string;
  fromCity: string;
  toCity: string;
  keyId: string;
  privateKeyHex: string;
  /** The public key of `privateKeyHex`, when the caller holds it: saves deriving it for every request (a scalar multiplication). */
  publicKey?: string;
  date?: Date;
  nonce?: string;
}

/** The headers a node adds to a request to a peer node. */
export const signInterchangeRequest = (r: InterchangeSignRequest): Record<string, string> => {
  const date = (r.date ?? new Date()).toISOString();
  const nonce = r.nonce ?? randomBytes(18).toString('base64url');
  const signature = sm2Sign(
    interchangeSigningString({ method: r.method, path: r.path, date, fromCity: r.fromCity, toCity: r.toCity, nonce }),
    r.privateKeyHex,
    r.publicKey ? { publicKey: r.publicKey } : {},
  );
  return {
    [INTERCHANGE_HEADERS.city]: r.fromCity,
    [INTERCHANGE_HEADERS.keyId]: r.keyId,
    [INTERCHANGE_HEADERS.date]: date,
    [INTERCHANGE_HEADERS.nonce]: nonce,
    [INTERCHANGE_HEADERS.signature]: signature,
  };
};

export type InterchangeFailureCode =
  'INTERCHANGE_UNSIGNED' | 'INTERCHANGE_SIGNATURE_INVALID' | 'INTERCHANGE_STALE_REQUEST' | 'INTERCHANGE_REPLAYED';
export type InterchangeVerdict =
  | { ok: true; city: string; keyId: string; nonce: string; date: Date }
  | { ok: false; code: InterchangeFailureCode; reason: string; claimedCity?: string };

export interface InterchangeRequestView {
  method: string;
  path: string;
  header(name: string): string | undefined;
}

/**
 * Checks headers, date skew and the SM2 signature against the key the registry pins (active keys
 * only; the registry already dropped demo keys outside the sandbox). Replay is checked afterwards
 * ({@link NonceStore}), only for requests whose signature verified.
 */
export const verifyInterchangeSignature = (
  req: InterchangeRequestView,
  ctx: { toCity: string; registry: CityRegistry; now?: Date; maxSkewMs?: number },
): InterchangeVerdict => {
  const h = (n: string) => req.header(n)?.trim();
  const city = h(INTERCHANGE_HEADERS.city);
  const keyId = h(INTERCHANGE_HEADERS.keyId);
  const date = h(INTERCHANGE_HEADERS.date);
  const nonce = h(INTERCHANGE_HEADERS.nonce);
  const signature = h(INTERCHANGE_HEADERS.signature);
  if (!city || !keyId || !date || !nonce || !signature) {
    return { ok: false, code: 'INTERCHANGE_UNSIGNED', reason: `send ${Object.values(INTERCHANGE_HEADERS).join(', ')}` };
  }
  if (!NONCE.test(nonce))
    return { ok: false, code: 'INTERCHANGE_UNSIGNED', reason: 'x-guangfo-nonce must be 16-64 characters [A-Za-z0-9_-]', claimedCity: city };
  const at = Date.parse(date);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(date) || Number.isNaN(at))
    return { ok: false, code: 'INTERCHANGE_UNSIGNED', reason: 'x-guangfo-date must be an ISO 8601 date-time', claimedCity: city };
  const skew = Math.abs((ctx.now ?? new Date()).getTime() - at);
  if (skew > (ctx.maxSkewMs ?? INTERCHANGE_MAX_SKEW_MS)) {
    return {
      ok: false,
      code: 'INTERCHANGE_STALE_REQUEST',
      reason: `request date is ${Math.round(skew / 1000)} s away from this node's clock (max ${Math.round((ctx.maxSkewMs ?? INTERCHANGE_MAX_SKEW_MS) / 1000)} s)`,
      claimedCity: city,
    };
  }
  if (city === ctx.toCity)
    return {
      ok: false,
      code: 'INTERCHANGE_SIGNATURE_INVALID',
      reason: 'a city does not call its own node through the interchange',
      claimedCity: city,
    };
  const key = ctx.registry.verificationKey(city, keyId);
  if (!key)
    return {
      ok: false,
      code: 'INTERCHANGE_SIGNATURE_INVALID',
      reason: `no active key ${keyId} pinned for city ${city}`,
      claimedCity: city,
    };
  let valid = false;
  try {
    valid = sm2Verify(
      interchangeSigningString({ method: req.method, path: req.path, date, fromCity: city, toCity: ctx.toCity, nonce }),
      signature,
      key.publicKey,
    );
  } catch {
    valid = false;
  }
  if (!valid)
    return {
      ok: false,
      code: 'INTERCHANGE_SIGNATURE_INVALID',
      reason: `signature does not verify with ${city}/${keyId}`,
      claimedCity: city,
    };
  return { ok: true, city, keyId, nonce, date: new Date(at) };
};

/** Remembers nonces for at least twice the skew window; `remember` is false for a nonce already seen. */
export interface NonceStore {
  remember(city: string, nonce: string): Promise<boolean>;
}

export class MemoryNonceStore implements NonceStore {
  private readonly seen = new Map<string, number>();

  constructor(private readonly ttlMs = 3 * INTERCHANGE_MAX_SKEW_MS) {}

  async remember(city: string, nonce: string): Promise<boolean> {
    const now = Date.now();
    for (const [k, at] of this.seen) if (now - at > this.ttlMs) this.seen.delete(k);
    const key = `${city}\n${nonce}`;
    if (this.seen.has(key)) return false;
    this.seen.set(key, now);
    return true;
  }
}

/** Signature, then replay: the full check a receiving node makes. */
export const authenticateInterchangeRequest = async (
  req: InterchangeRequestView,
  ctx: { toCity: string; registry: CityRegistry; nonces: NonceStore; now?: Date; maxSkewMs?: number },
): Promise<InterchangeVerdict> => {
  const v = verifyInterchangeSignature(req, ctx);
  if (!v.ok) return v;
  if (!(await ctx.nonces.remember(v.city, v.nonce)))
    return { ok: false, code: 'INTERCHANGE_REPLAYED', reason: `nonce ${v.nonce} was already used by ${v.city}`, claimedCity: v.city };
  return v;
};
