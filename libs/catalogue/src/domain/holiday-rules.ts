import { addCivilDays } from '@guangfo/kernel';
import { Lunar, Solar } from 'lunar-typescript';
import type { YearArrangement } from './working-day.calendar.js';

/**
 * The statutory public holidays of the 全国年节及纪念日放假办法 (2024 revision, in force 2025-01-01),
 * art. 2: 元旦 1 day (1 January), 春节 4 days (除夕 to 正月初三), 清明节 1 day (the 清明 solar term),
 * 劳动节 2 days (1–2 May), 端午节 1 day (五月初五), 中秋节 1 day (八月十五), 国庆节 3 days (1–3 October).
 * Lunar dates and the solar term come from the `lunar-typescript` library (no hand-written astronomy).
 */
export const STATUTORY_HOLIDAYS = [
  { name: '元旦', days: 1 },
  { name: '春节', days: 4 },
  { name: '清明', days: 1 },
  { name: '劳动节', days: 2 },
  { name: '端午', days: 1 },
  { name: '中秋', days: 1 },
  { name: '国庆节', days: 3 },
] as const;

export type StatutoryHoliday = (typeof STATUTORY_HOLIDAYS)[number]['name'];

/** The lunar library's range (years it can convert reliably). */
export const PROVISIONAL_YEAR_RANGE = { from: 1901, to: 2099 } as const;

const iso = (y: number, m: number, d: number): string => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const weekday = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay();
const isWeekend = (date: string): boolean => weekday(date) === 0 || weekday(date) === 6;
const lunarToSolar = (year: number, month: number, day: number): string => Lunar.fromYmd(year, month, day).getSolar().toYmd();

/** The first day of each statutory holiday of `year` (Gregorian), from the 放假办法 art. 2. */
export function statutoryHolidayStarts(year: number): Record<StatutoryHoliday, string> {
  if (!Number.isInteger(year) || year < PROVISIONAL_YEAR_RANGE.from || year > PROVISIONAL_YEAR_RANGE.to) {
    throw new RangeError(`No lunar data for ${year} (${PROVISIONAL_YEAR_RANGE.from}–${PROVISIONAL_YEAR_RANGE.to})`);
  }
  const qingming = Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()['清明'];
  if (!qingming) throw new RangeError(`No 清明 solar term found for ${year}`);
  return {
    元旦: iso(year, 1, 1),
    // 除夕 is the eve of 正月初一 of the lunar year that starts in this Gregorian year (腊月 may have 29 or 30 days).
    春节: addCivilDays(lunarToSolar(year, 1, 1), -1),
    清明: qingming.toYmd(),
    劳动节: iso(year, 5, 1),
    端午: lunarToSolar(year, 5, 5),
    中秋: lunarToSolar(year, 8, 15),
    国庆节: iso(year, 10, 1),
  };
}

/**
 * A provisional arrangement for a year whose State Council notice is not loaded: the statutory
 * holidays of art. 2, and, per art. 6 (全体公民放假的假日，如果适逢周六、周日，应当在工作日补假), each
 * statutory day falling on a Saturday or Sunday made up on the next weekday that is not already off.
 * No 调休 make-up working days are guessed (only a notice sets those); every other day is a weekday
 * or weekend as usual. Deadlines counted on it are marked provisional and recomputed once the
 * notice for the year is loaded.
 */
export function provisionalArrangement(year: number): YearArrangement & { festivals: { name: StatutoryHoliday; holidays: string[] }[] } {
  const starts = statutoryHolidayStarts(year);
  const off = new Set<string>();
  const festivals: { name: StatutoryHoliday; holidays: string[] }[] = [];
  for (const { name, days } of STATUTORY_HOLIDAYS) {
    const list = Array.from({ length: days }, (_, i) => addCivilDays(starts[name], i)).filter((d) => Number(d.slice(0, 4)) === year);
    list.forEach((d) => off.add(d));
    festivals.push({ name, holidays: list });
  }
  for (const f of festivals) {
    const onWeekend = f.holidays.filter(isWeekend).length;
    let d = f.holidays[f.holidays.length - 1]!;
    for (let left = onWeekend; left > 0;) {
      d = addCivilDays(d, 1);
      if (Number(d.slice(0, 4)) !== year) break;
      if (isWeekend(d) || off.has(d)) continue;
      off.add(d);
      f.holidays.push(d);
      left -= 1;
    }
  }
  return { holidays: [...off].sort(), workdays: [], festivals };
}
