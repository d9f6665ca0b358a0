/**
 * 5206 人员累计信息: a person's cumulative figures of a year as the treating city's node knows them. The node knows two kinds
 * of things, and says which is which:
 * - the insured city's: the annual cap (its published policy, replicated here) and the allowance it granted this city
 *   (cumulative grants, the last one received);
 * - its own: what its hospitals settled for the person (live settlements of the year, reversals excluded) and the allowance
 *   consumed by them.
 * What the person used in the insured city itself or in a third city is not known here: since the insured city never grants
 * more than the cap in all, it is at most cap − (granted − returned) here.
 */
import type { Pot } from '@guangfo/contracts';

export interface CumulativeInput {
  year: number;
  /** The allowance rows of the year held here (none before the first grant). */
  allowances: readonly { pot: Pot; grantedFen: number; consumedFen: number; returnedFen: number; topUpRequested: boolean }[];
  /** The fund's annual cap (最高支付限额) of the insured city's policy in force, or null when no policy has reached this node. */
  annualCapFen: number | null;
  /** Live settlements of the person at this city's hospitals in the year. */
  settledHere: { count: number; medfeeFen: number; fundFen: number; acctFen: number; cashFen: number };
}

export interface CumulativePot {
  pot: Pot;
  /** Known from the insured city: its cap for the pot (the fund's annual cap; null for the personal account) and its grant to this city. */
  insuredCity: { capFen: number | null; grantedFen: number };
  /**
   * This city's own knowledge: consumed by its settlements, given back unused (returned), what is left of the grant, whether
   * a top-up is asked for.
   */
  treatingCity: { consumedFen: number; returnedFen: number; availableFen: number; topUpRequested: boolean };
  /** Not known here: used in the insured city or elsewhere, at most cap − (granted − returned) (null without a cap). */
  elsewhereAtMostFen: number | null;
}

export interface CumulativeFigures {
  year: number;
  pots: CumulativePot[];
  settledHere: CumulativeInput['settledHere'];
}

const POT_ORDER: readonly Pot[] = ['hifp', 'acct'];

export const cumulativeFigures = (input: CumulativeInput): CumulativeFigures => ({
  year: input.year,
  settledHere: input.settledHere,
  pots: POT_ORDER.map((pot) => {
    const a = input.allowances.find((x) => x.pot === pot) ?? { grantedFen: 0, consumedFen: 0, returnedFen: 0, topUpRequested: false };
    const capFen = pot === 'hifp' ? input.annualCapFen : null;
    return {
      pot,
      insuredCity: { capFen, grantedFen: a.grantedFen },
      treatingCity: {
        consumedFen: a.consumedFen,
        returnedFen: a.returnedFen,
        availableFen: a.grantedFen - a.consumedFen - a.returnedFen,
        topUpRequested: a.topUpRequested,
      },
      elsewhereAtMostFen: capFen === null ? null : Math.max(0, capFen - (a.grantedFen - a.returnedFen)),
    };
  }),
});
