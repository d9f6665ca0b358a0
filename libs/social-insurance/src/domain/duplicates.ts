import type { ContributionMonth } from '@guangfo/contracts';
import { PENSION_SCHEME } from './contribution.js';
import type { YearMonth } from './months.js';

/**
 * 重复缴费: the same person insured for the same months in two cities (employee pension). One
 * relationship is kept, the other city refunds its months (粤社保函〔2021〕66号 for Guangdong and
 * 国办发〔2009〕66号 art. 9 across provinces, as quoted by third parties — unconfirmed, see docs).
 * Rule here: the aggregating city (where the claim or transfer is handled) keeps its months when it
 * is one of the cities; otherwise the city whose relationship lasted longest in total keeps them
 * (ties: the later last month, then the lower city code).
 */
export interface DuplicateMonth {
  month: YearMonth;
  cities: string[];
  keptCity: string;
}

export const findDuplicateMonths = (months: readonly ContributionMonth[], aggregatingCity: string): DuplicateMonth[] => {
  const pension = months.filter((m) => m.scheme === PENSION_SCHEME && !m.refunded);
  const byMonth = new Map<string, Set<string>>();
  for (const m of pension) byMonth.set(m.month, (byMonth.get(m.month) ?? new Set()).add(m.city));
  const total = new Map<string, number>();
  const last = new Map<string, string>();
  for (const m of pension) {
    total.set(m.city, (total.get(m.city) ?? 0) + 1);
    if ((last.get(m.city) ?? '') < m.month) last.set(m.city, m.month);
  }
  const keep = (cities: string[]): string =>
    cities.includes(aggregatingCity)
      ? aggregatingCity
      : [...cities].sort((a, b) => total.get(b)! - total.get(a)! || last.get(b)!.localeCompare(last.get(a)!) || a.localeCompare(b))[0]!;
  return [...byMonth.entries()]
    .filter(([, cities]) => cities.size > 1)
    .map(([month, cities]) => {
      const list = [...cities].sort();
      return { month, cities: list, keptCity: keep(list) };
    })
    .sort((a, b) => a.month.localeCompare(b.month));
};

/** Per refunding city, the months it must refund. */
export const refundsByCity = (dups: readonly DuplicateMonth[]): Map<string, YearMonth[]> => {
  const out = new Map<string, YearMonth[]>();
  for (const d of dups) for (const c of d.cities) if (c !== d.keptCity) out.set(c, [...(out.get(c) ?? []), d.month]);
  return out;
};

export interface RefundLine {
  month: YearMonth;
  personalFen: number;
  employerFen: number;
}

/**
 * What a refunding city pays back for the asked months: the person's and the employer's
 * contributions of each month it holds and has not refunded before (a month is refunded at most
 * once). Plain sums of reported fen: no rounding.
 */
export const refundLines = (
  held: readonly ContributionMonth[],
  asked: readonly YearMonth[],
): { lines: RefundLine[]; alreadyRefunded: YearMonth[]; refundFen: number } => {
  const wanted = new Set(asked);
  const lines: RefundLine[] = [];
  const alreadyRefunded: YearMonth[] = [];
  for (const m of [...held].sort((a, b) => a.month.localeCompare(b.month))) {
    if (m.scheme !== PENSION_SCHEME || !wanted.has(m.month)) continue;
    if (m.refunded) alreadyRefunded.push(m.month);
    else lines.push({ month: m.month, personalFen: m.personalFen, employerFen: m.employerFen });
  }
  return { lines, alreadyRefunded, refundFen: lines.reduce((s, l) => s + l.personalFen + l.employerFen, 0) };
};
