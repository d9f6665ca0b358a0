/**
 * Money is integer fen (分) everywhere. Every amount that is not a plain sum of reported fen
 * (pro-rata shares, percentages, interest) is computed exactly as a fraction of fen and rounded
 * by ONE rule, stated here and used by every calculator of this library:
 *
 *   ROUNDING RULE — round half up to a whole fen, once per posting. A posting is one amount that
 *   is booked on its own: one year's pooled-fund share (统筹基金, 12 % of that year's actual
 *   contribution base, partial years pro rata by their months), one year's interest credit on the
 *   personal account (个人账户记账利息), one refund line. Amounts inside a posting are never
 *   rounded: a year's pooled share is the exact sum of its months' shares, rounded at the end.
 *
 * Amounts are never negative: `roundHalfUpFen` refuses a negative fraction.
 */
export const ROUNDING_RULE = 'half-up to a whole fen, once per posting (one year of pooled share, one year of interest, one refund line)';

/** `numerator / denominator` fen, rounded half up to a whole fen (the one rounding rule). */
export const roundHalfUpFen = (numerator: bigint, denominator: bigint): number => {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  if (numerator < 0n) throw new RangeError('money amounts are never negative');
  const q = numerator / denominator;
  const r = numerator % denominator;
  return Number(2n * r >= denominator ? q + 1n : q);
};

/** A whole, non-negative number of fen (what a reported amount must be). */
export const isFen = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** `12345` → `"123.45"` (yuan, for display only). */
export const fenToYuan = (fen: number): string => `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
