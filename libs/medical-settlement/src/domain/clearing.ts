/**
 * 跨城清算 between the agencies of the treating city (就医地经办机构) and the insured city (参保地经办机构), monthly
 * (医保发〔2022〕22号 六: 就医地经办机构与参保地经办机构按月清算, 预付金 advance funds, 清算资金 net of them). This is the
 * inter-agency step, separate from 3201–3203 (hospital ↔ its own agency).
 *
 * A statement lists, for one period (YYYY-MM), every settlement of the insured city's people at the treating city: a claim
 * item for each settlement settled in the period, a reversal item (negative) for each reversal in the period of a claim
 * settled in an earlier period (confirmed statements never change: corrections go to the next period); a claim settled and
 * reversed within the same period appears in neither. The insured city confirms or contests items (reason codes); the
 * treating city answers each contest: `upheld` (the item stands, with its explanation) or `withdrawn` (the item leaves the
 * payable sum; its correction, e.g. a reversal, reaches the next period). Confirmation needs every contest answered.
 */

export interface ClearingClaim {
  settlementId: string;
  /** Civil date of the settlement. */
  settledOn: string;
  /** Civil date of its reversal, if any. */
  reversedOn: string | null;
  fundFen: number;
  accountFen: number;
  totalFen: number;
}

export const CONTEST_REASONS = [
  'NOT_INSURED',
  'NOT_REGISTERED',
  'DUPLICATE_CLAIM',
  'OUT_OF_CATALOGUE',
  'AMOUNT_MISMATCH',
  'OTHER',
] as const;
export type ContestReason = (typeof CONTEST_REASONS)[number];

export interface StatementItem {
  settlementId: string;
  kind: 'claim' | 'reversal';
  fundFen: number;
  accountFen: number;
  totalFen: number;
  contest: { reason: ContestReason; note: string; answer: null | { outcome: 'upheld' | 'withdrawn'; note: string } } | null;
}

/** An item as the clearing arithmetic reads it: with its contest, or as it travels (none). */
export type ClearingItem = Omit<StatementItem, 'contest'> & { contest?: StatementItem['contest'] };

export interface StatementTotals {
  items: number;
  claimedFundFen: number;
  claimedAccountFen: number;
  claimedTotalFen: number;
  withdrawnFundFen: number;
  withdrawnAccountFen: number;
  payableFundFen: number;
  payableAccountFen: number;
  /** 预付金 the insured city advanced for this period. */
  advanceFen: number;
  /** payable − advance: positive, the insured city pays the difference; negative, the treating city returns it. */
  netFen: number;
}

export const periodOf = (date: string): string => date.slice(0, 7);

/** First day of the period and of the next (half-open range). */
export const periodRange = (period: string): [string, string] => {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return [`${period}-01`, `${next}-01`];
};

/** The items of a period, derived from the claims alone (the verifier derives them again). */
export const statementItems = (claims: readonly ClearingClaim[], period: string): StatementItem[] => {
  const items: StatementItem[] = [];
  for (const c of claims) {
    const settled = periodOf(c.settledOn);
    const reversed = c.reversedOn === null ? null : periodOf(c.reversedOn);
    if (settled === period && reversed !== period)
      items.push({
        settlementId: c.settlementId,
        kind: 'claim',
        fundFen: c.fundFen,
        accountFen: c.accountFen,
        totalFen: c.totalFen,
        contest: null,
      });
    if (reversed === period && settled < period)
      items.push({
        settlementId: c.settlementId,
        kind: 'reversal',
        fundFen: -c.fundFen,
        accountFen: -c.accountFen,
        totalFen: -c.totalFen,
        contest: null,
      });
  }
  items.sort((a, b) => (a.settlementId === b.settlementId ? (a.kind < b.kind ? -1 : 1) : a.settlementId < b.settlementId ? -1 : 1));
  return items;
};

export const statementTotals = (items: readonly ClearingItem[], advanceFen: number): StatementTotals => {
  let claimedFundFen = 0;
  let claimedAccountFen = 0;
  let claimedTotalFen = 0;
  let withdrawnFundFen = 0;
  let withdrawnAccountFen = 0;
  for (const i of items) {
    claimedFundFen += i.fundFen;
    claimedAccountFen += i.accountFen;
    claimedTotalFen += i.totalFen;
    if (i.contest?.answer?.outcome === 'withdrawn') {
      withdrawnFundFen += i.fundFen;
      withdrawnAccountFen += i.accountFen;
    }
  }
  const payableFundFen = claimedFundFen - withdrawnFundFen;
  const payableAccountFen = claimedAccountFen - withdrawnAccountFen;
  return {
    items: items.length,
    claimedFundFen,
    claimedAccountFen,
    claimedTotalFen,
    withdrawnFundFen,
    withdrawnAccountFen,
    payableFundFen,
    payableAccountFen,
    advanceFen,
    netFen: payableFundFen + payableAccountFen - advanceFen,
  };
};

export type StatementState = 'issued' | 'contested' | 'answered' | 'confirmed';

export const statementState = (items: readonly StatementItem[], confirmed: boolean): StatementState => {
  if (confirmed) return 'confirmed';
  const contests = items.filter((i) => i.contest);
  if (!contests.length) return 'issued';
  return contests.every((i) => i.contest!.answer) ? 'answered' : 'contested';
};

export interface StatementProof {
  ok: boolean;
  problems: string[];
}

/**
 * Proves a statement from the claims: the same items (each settlement once per kind, the same amounts), and totals that
 * add up exactly: claimed = Σ items, payable = claimed − withdrawn, net = payable − advance.
 */
export const verifyStatement = (
  statement: { period: string; items: readonly ClearingItem[]; totals: StatementTotals },
  claims: readonly ClearingClaim[],
): StatementProof => {
  const problems: string[] = [];
  // What each claim must contribute to the period (bit 1: a claim item, bit 2: a reversal item), derived as statementItems does;
  // keyed by the claim's own id string (no key built per item: a 2 M-claim statement allocates no extra strings).
  const byId = new Map<string, ClearingClaim>();
  for (const c of claims) byId.set(c.settlementId, c);
  const wanted = (c: ClearingClaim): number => {
    const settled = periodOf(c.settledOn);
    const reversed = c.reversedOn === null ? null : periodOf(c.reversedOn);
    return (
      (settled === statement.period && reversed !== statement.period ? 1 : 0) |
      (reversed === statement.period && settled < statement.period ? 2 : 0)
    );
  };
  const seen = new Map<string, number>();
  for (const i of statement.items) {
    const bit = i.kind === 'claim' ? 1 : 2;
    const had = seen.get(i.settlementId) ?? 0;
    if (had & bit) problems.push(`${i.kind}:${i.settlementId} listed twice`);
    seen.set(i.settlementId, had | bit);
    const c = byId.get(i.settlementId);
    if (!c || !(wanted(c) & bit)) problems.push(`${i.kind}:${i.settlementId} is not a settlement of the period`);
    else {
      const sign = bit === 1 ? 1 : -1;
      if (i.fundFen !== sign * c.fundFen || i.accountFen !== sign * c.accountFen || i.totalFen !== sign * c.totalFen)
        problems.push(`${i.kind}:${i.settlementId}: amounts differ from the claim`);
    }
  }
  for (const c of claims) {
    const missing = wanted(c) & ~(seen.get(c.settlementId) ?? 0);
    if (missing & 1) problems.push(`claim:${c.settlementId} missing`);
    if (missing & 2) problems.push(`reversal:${c.settlementId} missing`);
  }
  const recomputed = statementTotals(statement.items, statement.totals.advanceFen);
  for (const [field, value] of Object.entries(recomputed)) {
    const stated = statement.totals[field as keyof StatementTotals];
    if (stated !== value) problems.push(`totals.${field} is ${stated}, the items give ${value}`);
  }
  return { ok: problems.length === 0, problems };
};
