/**
 * Annual caps that hold under concurrency without a cross-city call on the settlement path.
 *
 * The insured city (参保地) owns each person's 年度最高支付限额 (InsuredPolicy.annualCapFen) and the personal-account balance.
 * It never lets a treating city spend from them directly: it *grants* each treating city (itself included, for local
 * treatment) an allowance per person, pot and year, taken from what is not yet granted (`CapLedger`). A treating city
 * settles against the allowance it holds (`Allowance`), locally, in one row-locked update; when the allowance runs low it
 * asks for a top-up (an addressed event) and meanwhile settles what the allowance covers, telling the hospital why the rest
 * is cash (FUND_ALLOWANCE_EXHAUSTED). Because Σ granted ≤ cap and each city consumes ≤ its grant, Σ consumed ≤ cap in every
 * interleaving — racing claims in both cities included. A reversal restores the allowance of the city that settled it.
 *
 * Grants travel as cumulative totals (`grantedTotalFen`), so duplicates and reordering are harmless: a city keeps the largest.
 *
 * Unused allowance goes back the same way: a treating city that no longer needs it (the year is over, or the person holds no
 * 备案 there any more and has no visit open) *returns* it — it adds what is left to its own cumulative `returnedFen`, so it
 * can no longer spend it, and tells the insured city that total (an addressed event, the largest kept). The insured city
 * counts a city's grant as outstanding only net of what it returned, so the amount can be granted again, to any city. Both
 * counters only grow, so a stale grant or return arriving late changes nothing; the insured city learns of a return only
 * after the treating city stopped spending it, so Σ consumed ≤ Σ (granted − returned) ≤ cap still holds in every interleaving.
 */
export { POTS, type Pot } from '@guangfo/contracts';

/** The insured city's side: one person, pot and year. */
export interface CapLedger {
  capFen: number;
  /** Cumulative grant per treating city. */
  grantedFen: Readonly<Record<string, number>>;
  /** Cumulative return per treating city (the largest total it reported), never above its grant. */
  returnedFen: Readonly<Record<string, number>>;
}

/** What a city holds of the cap: its grant net of what it returned. */
export const outstandingFen = (l: CapLedger, city: string): number => (l.grantedFen[city] ?? 0) - (l.returnedFen[city] ?? 0);

export const ungrantedFen = (l: CapLedger): number =>
  l.capFen - Object.keys(l.grantedFen).reduce((a, city) => a + outstandingFen(l, city), 0);

/** Grants `city` up to `wantFen` more, never beyond the cap. Returns the new ledger, the amount added and the city's total. */
export const grantFrom = (
  l: CapLedger,
  city: string,
  wantFen: number,
): { ledger: CapLedger; addedFen: number; grantedTotalFen: number } => {
  if (!Number.isSafeInteger(wantFen) || wantFen < 0) throw new RangeError('wantFen is a non-negative integer');
  const addedFen = Math.max(0, Math.min(wantFen, ungrantedFen(l)));
  const grantedTotalFen = (l.grantedFen[city] ?? 0) + addedFen;
  return {
    ledger: { capFen: l.capFen, grantedFen: { ...l.grantedFen, [city]: grantedTotalFen }, returnedFen: l.returnedFen },
    addedFen,
    grantedTotalFen,
  };
};

/**
 * A treating city's return arrived (cumulative total): keep the larger. A city cannot return more than it was granted; a
 * report saying so is refused (RangeError), not clipped.
 */
export const applyReturn = (l: CapLedger, city: string, returnedTotalFen: number): CapLedger => {
  if (!Number.isSafeInteger(returnedTotalFen) || returnedTotalFen < 0) throw new RangeError('returnedTotalFen is a non-negative integer');
  if (returnedTotalFen > (l.grantedFen[city] ?? 0))
    throw new RangeError(`city ${city} returns ${returnedTotalFen} of ${l.grantedFen[city] ?? 0} granted`);
  return { ...l, returnedFen: { ...l.returnedFen, [city]: Math.max(l.returnedFen[city] ?? 0, returnedTotalFen) } };
};

/** A treating city's side: its allowance for one person, pot and year. */
export interface Allowance {
  grantedFen: number;
  consumedFen: number;
  /** Given back to the insured city (cumulative); no longer spendable here. */
  returnedFen: number;
}

export const availableFen = (a: Allowance): number => a.grantedFen - a.consumedFen - a.returnedFen;

/** A grant arrived (cumulative total): keep the larger. */
export const applyGrant = (a: Allowance, grantedTotalFen: number): Allowance => ({
  ...a,
  grantedFen: Math.max(a.grantedFen, grantedTotalFen),
});

/** Gives back everything not spent: the new cumulative total to report, and what this return added to it. */
export const returnUnused = (a: Allowance): { allowance: Allowance; addedFen: number } => {
  const addedFen = Math.max(0, availableFen(a));
  return { allowance: { ...a, returnedFen: a.returnedFen + addedFen }, addedFen };
};

/** Takes up to `wantFen` from the allowance; returns what was taken. */
export const consume = (a: Allowance, wantFen: number): { allowance: Allowance; takenFen: number } => {
  if (!Number.isSafeInteger(wantFen) || wantFen < 0) throw new RangeError('wantFen is a non-negative integer');
  const takenFen = Math.min(wantFen, Math.max(0, availableFen(a)));
  return { allowance: { ...a, consumedFen: a.consumedFen + takenFen }, takenFen };
};

/** A reversal gives back what its settlement took. */
export const restore = (a: Allowance, fen: number): Allowance => {
  if (!Number.isSafeInteger(fen) || fen < 0 || fen > a.consumedFen)
    throw new RangeError(`cannot restore ${fen} of ${a.consumedFen} consumed`);
  return { ...a, consumedFen: a.consumedFen - fen };
};

/** Ask for a top-up when less than half a chunk is left. */
export const needsTopUp = (a: Allowance, chunkFen: number): boolean => availableFen(a) * 2 < chunkFen;

const DAY_MS = 86_400_000;

/**
 * Year-ahead grants: the year whose allowances the insured city grants now, before it starts — the next calendar year
 * once its 1 January is at most `leadDays` days after `today` (YYYY-MM-DD, Asia/Shanghai), otherwise none. So a person's
 * first settlement of a new year at the treating city finds a fund allowance waiting instead of settling as cash.
 */
export const yearAhead = (today: string, leadDays: number): number | null => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new RangeError(`not a date: ${today}`);
  if (!Number.isSafeInteger(leadDays) || leadDays < 0) throw new RangeError('leadDays is a non-negative integer');
  const next = Number(today.slice(0, 4)) + 1;
  const days = (Date.UTC(next, 0, 1) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS;
  return days <= leadDays ? next : null;
};
