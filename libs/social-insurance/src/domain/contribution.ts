import { SOCIAL_INSURANCE_SCHEMES, type ContributionMonth, type SocialInsuranceScheme } from '@guangfo/contracts';
import { isFen } from './money.js';
import { isYearMonth, monthIndex, toRanges, type YearMonth } from './months.js';

export { SOCIAL_INSURANCE_SCHEMES, type ContributionMonth, type SocialInsuranceScheme };

/** 1998-01: from this month the whole personal account moves; before it, the personal contributions with interest (国办发〔2009〕66号 art. 4(1)). */
export const PERSONAL_ACCOUNT_REFORM_MONTH: YearMonth = '1998-01';

/** The schemes whose records follow the person for a pension (城镇职工基本养老保险). */
export const PENSION_SCHEME: SocialInsuranceScheme = 'employee-pension';

/** Why one reported month is not acceptable; empty when it is. */
export const contributionProblems = (c: ContributionMonth, currentMonth: YearMonth): { field: string; message: string }[] => {
  const out: { field: string; message: string }[] = [];
  if (!isYearMonth(c.month)) out.push({ field: 'month', message: 'must be a month YYYY-MM' });
  else if (monthIndex(c.month) > monthIndex(currentMonth))
    out.push({ field: 'month', message: 'a contribution cannot be reported for a future month' });
  for (const f of ['baseFen', 'employerFen', 'personalFen', 'personalAccountFen'] as const)
    if (!isFen(c[f])) out.push({ field: f, message: 'must be a whole, non-negative number of fen' });
  if (isFen(c.personalAccountFen) && c.scheme !== PENSION_SCHEME && c.personalAccountFen !== 0)
    out.push({ field: 'personalAccountFen', message: 'only the employee pension scheme has a personal account' });
  if (isFen(c.personalFen) && isFen(c.baseFen) && c.personalFen > c.baseFen)
    out.push({ field: 'personalFen', message: 'cannot exceed the contribution base' });
  return out;
};

/** One city's months of one scheme folded into periods (what a record shows). */
export interface ContributionPeriod {
  city: string;
  scheme: SocialInsuranceScheme;
  employerUscc: string;
  from: YearMonth;
  to: YearMonth;
  months: number;
  baseFen: number;
  employerFen: number;
  personalFen: number;
}

/** Consecutive months with the same city, scheme, employer and monthly amounts become one period. */
export const toPeriods = (months: readonly ContributionMonth[]): ContributionPeriod[] => {
  const groups = new Map<string, ContributionMonth[]>();
  for (const m of months) {
    const k = [m.city, m.scheme, m.employerUscc, m.baseFen, m.employerFen, m.personalFen].join('|');
    groups.set(k, [...(groups.get(k) ?? []), m]);
  }
  const out: ContributionPeriod[] = [];
  for (const ms of groups.values()) {
    const first = ms[0]!;
    for (const r of toRanges(ms.map((m) => m.month)))
      out.push({
        city: first.city,
        scheme: first.scheme,
        employerUscc: first.employerUscc,
        from: r.from,
        to: r.to,
        months: r.months,
        baseFen: first.baseFen,
        employerFen: first.employerFen,
        personalFen: first.personalFen,
      });
  }
  return out.sort((a, b) => a.from.localeCompare(b.from) || a.city.localeCompare(b.city) || a.scheme.localeCompare(b.scheme));
};

/** Months with a contribution, per scheme, summed over every city (a combined record's totals). */
export const monthsByScheme = (months: readonly ContributionMonth[]): Record<string, number> => {
  const seen = new Map<string, Set<string>>();
  for (const m of months) seen.set(m.scheme, (seen.get(m.scheme) ?? new Set()).add(m.month));
  return Object.fromEntries([...seen].map(([s, set]) => [s, set.size]));
};
