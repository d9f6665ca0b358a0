/** A retry policy: the delay before the first retry, and the most any delay may be. */
export interface BackoffPolicy {
  /** Delay after the first failed attempt, in ms. */
  readonly baseMs: number;
  /** Cap on any delay, in ms (`Infinity` when the number of attempts already bounds it). */
  readonly maxMs: number;
}

/** Exponents above this are all "at the cap" for any policy in use; it keeps 2^n finite. */
const MAX_EXPONENT = 30;

/**
 * The one backoff rule of the node: exponential, doubling, capped.
 * After failed attempt `attempt` (1-based) wait `min(maxMs, baseMs × 2^(attempt − 1))`; attempts
 * below 1 count as 1. No jitter: delays are deterministic, so tests and runbooks can predict them.
 */
export const backoffMs = (policy: BackoffPolicy, attempt: number): number =>
  Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(Math.floor(attempt) - 1, 0), MAX_EXPONENT));
