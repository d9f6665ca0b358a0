import type { ContributionMonth } from '@guangfo/contracts';
import { maskIdNumber, maskName } from '@guangfo/kernel';
import { type ContributionPeriod, monthsByScheme, toPeriods } from '../domain/contribution.js';
import { type DuplicateMonth, findDuplicateMonths } from '../domain/duplicates.js';

export interface CityPart {
  city: string;
  status: 'own' | 'answered' | 'pending';
  months: number;
}

/** One person's record from every city asked, combined (what a resident or the clerk of a case sees). */
export interface CombinedRecordView {
  person: { idNumber: string; name: string | null };
  complete: boolean;
  cities: CityPart[];
  periods: ContributionPeriod[];
  /** Distinct months per scheme over every city (a month paid in two cities counts once). */
  monthsByScheme: Record<string, number>;
  duplicates: DuplicateMonth[];
}

export const combinedRecord = (
  person: { idNumber: string; name: string | null },
  own: { city: string; months: ContributionMonth[] },
  asked: readonly string[],
  answers: readonly { city: string; months: ContributionMonth[] }[],
  aggregatingCity: string,
): CombinedRecordView & { all: ContributionMonth[] } => {
  const answered = new Map(answers.map((a) => [a.city, a.months]));
  const all = [...own.months, ...answers.flatMap((a) => a.months)];
  return {
    person: { idNumber: maskIdNumber(person.idNumber), name: person.name ? maskName(person.name) : null },
    complete: asked.every((c) => answered.has(c)),
    cities: [
      { city: own.city, status: 'own', months: own.months.length },
      ...asked.map((c) => ({
        city: c,
        status: answered.has(c) ? ('answered' as const) : ('pending' as const),
        months: answered.get(c)?.length ?? 0,
      })),
    ],
    periods: toPeriods(all.filter((m) => !m.refunded)),
    monthsByScheme: monthsByScheme(all.filter((m) => !m.refunded)),
    duplicates: findDuplicateMonths(all, aggregatingCity),
    all,
  };
};
