import type { ContributionMonth, TransferAmounts } from '@guangfo/contracts';
import { PENSION_SCHEME, PERSONAL_ACCOUNT_REFORM_MONTH } from './contribution.js';
import { roundHalfUpFen } from './money.js';
import { yearOf } from './months.js';

/** 统筹基金 share that moves across provinces: 12 % of each year's actual contribution base (国办发〔2009〕66号 art. 4(2)). */
export const POOLED_SHARE_PERCENT = 12n;
/** The first year whose pooled fund moves (art. 4(2): 1998 年 1 月 1 日起). */
export const POOLED_FROM_YEAR = 1998;

/** One year's pooled share from its months' bases: the exact sum of 12 % of each month, rounded once (the rounding rule). */
export const pooledShareOfMonths = (monthlyBasesFen: readonly number[]): number =>
  roundHalfUpFen(monthlyBasesFen.reduce((s, b) => s + BigInt(b), 0n) * POOLED_SHARE_PERCENT, 100n);

/** One year's pooled share from an annual base, pro rata by the months paid in it: 12 % × base × months / 12, rounded once. */
export const pooledShareProRata = (annualBaseFen: number, months: number): number => {
  if (!Number.isInteger(months) || months < 0 || months > 12) throw new RangeError('months of a year: 0..12');
  return roundHalfUpFen(BigInt(annualBaseFen) * BigInt(months) * POOLED_SHARE_PERCENT, 12n * 100n);
};

export interface TransferCalculation {
  /** The transfer's asking year: interest is credited for every complete year before it. */
  asOfYear: number;
  /** Interest rates in basis points by year (NATIONAL_ACCOUNT_RATES_BP). */
  ratesBp: ReadonlyMap<number, number>;
}

/**
 * What a cross-province transfer moves (国办发〔2009〕66号 art. 4), from the employee-pension months
 * of the old place, refunded months excluded:
 * - personal account: before 1998 the personal contributions (`personalFen`), from 1998 the whole
 *   credited balance (`personalAccountFen`), with interest: each complete year before `asOfYear`
 *   credits `balance on 1 January × that year's rate`, one posting per year (contributions of a
 *   year earn interest from the next year on; the transfer year earns none here);
 * - pooled fund: per year from 1998, 12 % of the sum of the year's monthly bases (so a partial year
 *   counts pro rata by its months), one posting per year.
 * Every posting is rounded by the one rule (money.ts). Never negative; order of the months does not matter.
 */
export const computeTransferAmounts = (months: readonly ContributionMonth[], calc: TransferCalculation): TransferAmounts => {
  const moving = months.filter((m) => m.scheme === PENSION_SCHEME && !m.refunded);
  let preReformFen = 0;
  let fromReformFen = 0;
  const creditsByYear = new Map<number, number>();
  const basesByYear = new Map<number, number[]>();
  for (const m of moving) {
    const y = yearOf(m.month);
    const credit = m.month < PERSONAL_ACCOUNT_REFORM_MONTH ? m.personalFen : m.personalAccountFen;
    if (m.month < PERSONAL_ACCOUNT_REFORM_MONTH) preReformFen += credit;
    else fromReformFen += credit;
    creditsByYear.set(y, (creditsByYear.get(y) ?? 0) + credit);
    if (y >= POOLED_FROM_YEAR) basesByYear.set(y, [...(basesByYear.get(y) ?? []), m.baseFen]);
  }
  let interestFen = 0;
  const yearsWithoutRate: number[] = [];
  const years = [...creditsByYear.keys()].sort((a, b) => a - b);
  if (years.length) {
    let balance = 0;
    for (let y = years[0]!; y < calc.asOfYear; y++) {
      // Interest of year y on the balance at its start (credits of earlier years and their interest).
      if (balance > 0) {
        const bp = calc.ratesBp.get(y);
        if (bp === undefined) yearsWithoutRate.push(y);
        else {
          const interest = roundHalfUpFen(BigInt(balance) * BigInt(bp), 10_000n);
          interestFen += interest;
          balance += interest;
        }
      }
      balance += creditsByYear.get(y) ?? 0;
    }
  }
  const pooledYears = [...basesByYear.entries()]
    .sort(([a], [b]) => a - b)
    .map(([year, bases]) => ({
      year,
      months: bases.length,
      baseSumFen: bases.reduce((s, b) => s + b, 0),
      pooledFen: pooledShareOfMonths(bases),
    }));
  const pooledTotal = pooledYears.reduce((s, y) => s + y.pooledFen, 0);
  const personalTotal = preReformFen + fromReformFen + interestFen;
  return {
    personalAccount: { preReformFen, fromReformFen, interestFen, totalFen: personalTotal, yearsWithoutRate },
    pooled: { years: pooledYears, totalFen: pooledTotal },
    totalFen: personalTotal + pooledTotal,
  };
};

/** The inter-city fund transfer as two ledger legs: what the old place pays out equals what the new place books in. */
export interface FundLeg {
  city: string;
  account: 'personal-account' | 'pooled-fund';
  /** Negative for the paying city, positive for the receiving one. */
  amountFen: number;
}

export const fundLegs = (amounts: TransferAmounts, fromCity: string, toCity: string): FundLeg[] => [
  { city: fromCity, account: 'personal-account', amountFen: -amounts.personalAccount.totalFen },
  { city: fromCity, account: 'pooled-fund', amountFen: -amounts.pooled.totalFen },
  { city: toCity, account: 'personal-account', amountFen: amounts.personalAccount.totalFen },
  { city: toCity, account: 'pooled-fund', amountFen: amounts.pooled.totalFen },
];
