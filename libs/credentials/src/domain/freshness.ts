/** What a stale replicated status does to a verification (CREDENTIALS_STALE_STATUS_POLICY). */
export const STALE_STATUS_POLICIES = ['fail-closed', 'accept-with-warning'] as const;
export type StaleStatusPolicy = (typeof STALE_STATUS_POLICIES)[number];

export interface FreshnessPolicy {
  readonly statusMaxAgeSeconds: number;
  readonly staleStatusPolicy: StaleStatusPolicy;
}

export interface StatusFreshness {
  /** The issuing city is this node: its status is authoritative and always current. */
  readonly authoritative: boolean;
  /** Issuer time as of which the replicated status is known; null = nothing received yet. */
  readonly asOf: string | null;
}

export interface FreshnessVerdict {
  readonly fresh: boolean;
  /** Age of the replicated status in whole seconds (0 when authoritative, null when never received). */
  readonly ageSeconds: number | null;
  readonly asOf: string | null;
  /** What the policy makes of it: nothing, a warning, or a reason to reject. */
  readonly effect: 'none' | 'warn' | 'reject';
}

/**
 * Is the replicated status recent enough to rely on? Stale (older than the window, or never
 * received) status rejects the credential under `fail-closed`, and only warns under
 * `accept-with-warning`. A clock that runs ahead of the issuer's counts as age 0.
 */
export const assessFreshness = (f: StatusFreshness, now: Date, policy: FreshnessPolicy): FreshnessVerdict => {
  if (f.authoritative) return { fresh: true, ageSeconds: 0, asOf: now.toISOString(), effect: 'none' };
  if (f.asOf === null)
    return { fresh: false, ageSeconds: null, asOf: null, effect: policy.staleStatusPolicy === 'fail-closed' ? 'reject' : 'warn' };
  const ageSeconds = Math.max(0, Math.floor((now.getTime() - Date.parse(f.asOf)) / 1000));
  const fresh = ageSeconds <= policy.statusMaxAgeSeconds;
  return { fresh, ageSeconds, asOf: f.asOf, effect: fresh ? 'none' : policy.staleStatusPolicy === 'fail-closed' ? 'reject' : 'warn' };
};
