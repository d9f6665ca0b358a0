import { createRequire } from 'node:module';
import { isCivilDate } from './common.schema.js';

export const CALENDAR_TIME_ZONE = 'Asia/Shanghai';

/** A civil date `YYYY-MM-DD` (taken as a date in Asia/Shanghai), or an instant (Date / ISO date-time). */
export type DateInput = string | Date;

/** An interval during which the clock stops (补正, 听证, 检验检测, 鉴定…): both ends inclusive. */
export interface Pause {
  from: DateInput;
  to: DateInput;
}

/** Official non-working days (放假) and make-up working days (调休上班) of one year. */
export interface YearArrangement {
  holidays: readonly string[];
  workdays: readonly string[];
}

/** A date falls in a year for which no official holiday arrangement is known. */
export class CalendarCoverageError extends RangeError {
  constructor(
    readonly year: number,
    readonly covered: readonly number[],
  ) {
    super(
      `No official holiday arrangement for ${year} (working-day calendar covers ${covered[0]}–${covered[covered.length - 1]}); ` +
        `add the State Council notice for ${year} before computing working days in it`,
    );
    this.name = 'CalendarCoverageError';
  }
}

const DAY_MS = 86_400_000;
const shanghaiDate = new Intl.DateTimeFormat('en-CA', { timeZone: CALENDAR_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The civil date in Asia/Shanghai of an input: a `YYYY-MM-DD` string is taken as is. */
export function toShanghaiDate(input: DateInput): string {
  if (typeof input === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(input)) {
    if (!isCivilDate(input)) throw new RangeError(`Invalid date: ${input}`);
    return input;
  }
  const instant = input instanceof Date ? input : new Date(input);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`Invalid date: ${String(input)}`);
  return shanghaiDate.format(instant);
}

const toDay = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const fromDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * Working days on the official PRC calendar (国务院办公厅 holiday notices, with 调休 make-up days),
 * counted in Asia/Shanghai. A day is a working day when it is a make-up working day, or a Monday to
 * Friday that is not an official holiday. Any date in a year without an arrangement throws
 * CalendarCoverageError: an unknown year is never guessed as "weekdays only".
 *
 * Counting rule (期间开始之日不计入): the day work starts is not counted; `addWorkingDays(d, n)` is
 * the n-th working day after `d`, and `countWorkingDays(a, b)` counts the working days in (a, b].
 */
export class WorkingDayCalendar {
  private readonly holidays = new Set<number>();
  private readonly workdays = new Set<number>();
  private readonly years: number[];
  private readonly yearSet: Set<number>;

  constructor(arrangements: Readonly<Record<number, YearArrangement>>) {
    this.years = Object.keys(arrangements).map(Number).sort((a, b) => a - b);
    this.yearSet = new Set(this.years);
    if (this.years.length === 0) throw new RangeError('WorkingDayCalendar needs at least one year of holiday arrangements');
    for (const year of this.years) {
      const { holidays, workdays } = arrangements[year]!;
      for (const [list, set] of [[holidays, this.holidays], [workdays, this.workdays]] as const) {
        for (const d of list) {
          if (!isCivilDate(d) || Number(d.slice(0, 4)) !== year) throw new RangeError(`Holiday arrangement for ${year} lists ${d}`);
          set.add(toDay(d));
        }
      }
    }
  }

  /**
   * The official calendar from the `chinese-days` package (国务院办公厅 notices on holiday
   * arrangements; the 2025 and 2026 dates are pinned in working-day.calendar.spec.ts). `extra` adds
   * or replaces years, e.g. 2027 once its notice is published.
   */
  static official(extra: Readonly<Record<number, YearArrangement>> = {}): WorkingDayCalendar {
    const data = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as {
      holidays: Record<string, string>;
      workdays: Record<string, string>;
    };
    const years: Record<number, { holidays: string[]; workdays: string[] }> = {};
    const yearOf = (d: string) => (years[Number(d.slice(0, 4))] ??= { holidays: [], workdays: [] });
    for (const d of Object.keys(data.holidays)) yearOf(d).holidays.push(d);
    for (const d of Object.keys(data.workdays)) yearOf(d).workdays.push(d);
    return new WorkingDayCalendar({ ...years, ...extra });
  }

  /** The years this calendar knows, ascending. */
  coveredYears(): readonly number[] {
    return this.years;
  }

  isWorkingDay(date: DateInput): boolean {
    return this.isWorking(toDay(toShanghaiDate(date)));
  }

  /** The n-th working day after `start` (n = 0: `start` itself if it is a working day, else the next one). */
  addWorkingDays(start: DateInput, n: number, pauses: readonly Pause[] = []): string {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`Working days must be a non-negative integer, got ${n}`);
    const paused = this.pausedDays(pauses);
    let day = toDay(toShanghaiDate(start));
    const counts = (d: number) => this.isWorking(d) && !paused.has(d);
    if (n === 0) {
      while (!counts(day)) day += 1;
      return fromDay(day);
    }
    for (let left = n; left > 0; ) {
      day += 1;
      if (counts(day)) left -= 1;
    }
    return fromDay(day);
  }

  /** Working days in (from, to], paused days excluded; negative when `to` is before `from`. */
  countWorkingDays(from: DateInput, to: DateInput, pauses: readonly Pause[] = []): number {
    const a = toDay(toShanghaiDate(from));
    const b = toDay(toShanghaiDate(to));
    if (b < a) return -this.countWorkingDays(to, from, pauses);
    const paused = this.pausedDays(pauses);
    this.isWorking(a); // an uncovered start year fails loudly even for an empty interval
    let count = 0;
    for (let d = a + 1; d <= b; d += 1) if (this.isWorking(d) && !paused.has(d)) count += 1;
    return count;
  }

  /** Working days inside the pauses (overlaps counted once). */
  pausedWorkingDays(pauses: readonly Pause[]): number {
    return [...this.pausedDays(pauses)].filter((d) => this.isWorking(d)).length;
  }

  private pausedDays(pauses: readonly Pause[]): Set<number> {
    const days = new Set<number>();
    for (const p of pauses) {
      const a = toDay(toShanghaiDate(p.from));
      const b = toDay(toShanghaiDate(p.to));
      if (b < a) throw new RangeError(`Pause ends (${fromDay(b)}) before it starts (${fromDay(a)})`);
      if (b - a > 3660) throw new RangeError('Pause longer than ten years');
      for (let d = a; d <= b; d += 1) days.add(d);
    }
    return days;
  }

  private isWorking(day: number): boolean {
    const year = new Date(day * DAY_MS).getUTCFullYear();
    if (!this.yearSet.has(year)) throw new CalendarCoverageError(year, this.years);
    if (this.workdays.has(day)) return true;
    if (this.holidays.has(day)) return false;
    const weekday = new Date(day * DAY_MS).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }
}
