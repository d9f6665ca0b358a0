/** A calendar month `YYYY-MM` (contribution months, payment months). */
export type YearMonth = string;

const YM = /^(\d{4})-(0[1-9]|1[0-2])$/;

export const isYearMonth = (v: unknown): v is YearMonth => typeof v === 'string' && YM.test(v);

/** Months since 0000-01 (for arithmetic). */
export const monthIndex = (m: YearMonth): number => {
  const r = YM.exec(m);
  if (!r) throw new RangeError(`not a month YYYY-MM: ${m}`);
  return Number(r[1]) * 12 + Number(r[2]) - 1;
};

export const monthOfIndex = (i: number): YearMonth =>
  `${String(Math.floor(i / 12)).padStart(4, '0')}-${String((i % 12) + 1).padStart(2, '0')}`;

export const addMonths = (m: YearMonth, n: number): YearMonth => monthOfIndex(monthIndex(m) + n);

export const yearOf = (m: YearMonth): number => Number(m.slice(0, 4));

/** The month of a civil date `YYYY-MM-DD`. */
export const monthOfDate = (date: string): YearMonth => date.slice(0, 7);

/** Every month from `from` to `to`, both included (empty when `to` is earlier). */
export const monthsFromTo = (from: YearMonth, to: YearMonth): YearMonth[] => {
  const out: YearMonth[] = [];
  for (let i = monthIndex(from); i <= monthIndex(to); i++) out.push(monthOfIndex(i));
  return out;
};

/** The same day `n` months later (clamped to the month's last day): 2025-01-31 + 1 → 2025-02-28. */
export const addMonthsToDate = (date: string, n: number): string => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = monthOfIndex(y * 12 + m - 1 + n);
  const [ty, tm] = target.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
  return `${target}-${String(Math.min(d, last)).padStart(2, '0')}`;
};

/** Consecutive months folded into ranges, in order. */
export const toRanges = (months: readonly YearMonth[]): { from: YearMonth; to: YearMonth; months: number }[] => {
  const sorted = [...new Set(months)].sort();
  const out: { from: YearMonth; to: YearMonth; months: number }[] = [];
  for (const m of sorted) {
    const last = out.at(-1);
    if (last && monthIndex(m) === monthIndex(last.to) + 1) {
      last.to = m;
      last.months++;
    } else out.push({ from: m, to: m, months: 1 });
  }
  return out;
};
