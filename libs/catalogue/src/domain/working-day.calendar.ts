import { type DateInput, isCivilDate, SHANGHAI_TIME_ZONE, stableJson, toShanghaiDate, sha256Hex } from '@guangfo/kernel';

/** The calendar's time zone (the kernel's civil-date zone), reported with computed deadlines. */
export const CALENDAR_TIME_ZONE = SHANGHAI_TIME_ZONE;

export type { DateInput };

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
      `No official holiday arrangement for ${year} (working-day calendar covers ${covered.length ? `${covered[0]}–${covered[covered.length - 1]}` : 'no year'}); ` +
        `add the State Council notice for ${year} before computing working days in it`,
    );
    this.name = 'CalendarCoverageError';
  }
}

const DAY_MS = 86_400_000;
const toDay = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const fromDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The State Council notice (国务院办公厅关于某年部分节假日安排的通知) a year's arrangement comes from. */
export interface HolidayNotice {
  title: string;
  /** 文号, e.g. 国办发明电〔2024〕12号, when known. */
  number?: string;
  /** Date the notice was issued. */
  date: string;
}

/** One official year: its arrangement and the notice it comes from. */
export interface OfficialYear extends YearArrangement {
  notice?: HolidayNotice;
}

/** Where a year's days come from: a loaded notice, or the provisional rule (no notice yet). */
export type CalendarYearStatus = 'official' | 'provisional';

export interface WorkingDayCalendarOptions {
  /**
   * The arrangement of a year without a notice (see provisionalArrangement in holiday-rules.ts).
   * Without it, such a year throws CalendarCoverageError.
   */
  provisional?: (year: number) => YearArrangement;
}

/** Version and hash of the official years a calendar holds (announced to the other cities). */
export interface CalendarIdentity {
  /** The official years, e.g. `2025+2026`. */
  version: string;
  /** SHA-256 of the canonical JSON of the official years (days and notices). */
  hash: string;
}

/** What loading a year changed. */
export interface CalendarYearLoaded {
  year: number;
  previous: CalendarYearStatus | null;
  identity: CalendarIdentity;
}

interface YearDays {
  holidays: Set<number>;
  workdays: Set<number>;
  status: CalendarYearStatus;
}

/**
 * Working days on the official PRC calendar (国务院办公厅 holiday notices, with 调休 make-up days),
 * counted in Asia/Shanghai. A day is a working day when it is a make-up working day, or a Monday to
 * Friday that is not an official holiday. A year without a notice is never guessed as "weekdays
 * only": with a `provisional` rule it is counted on the statutory holidays (status `provisional`,
 * and callers mark what they compute on it), without one it throws CalendarCoverageError.
 * `load()` replaces a year when its notice arrives.
 *
 * Counting rule (期间开始之日不计入): the day work starts is not counted; `addWorkingDays(d, n)` is
 * the n-th working day after `d`, and `countWorkingDays(a, b)` counts the working days in (a, b].
 */
export class WorkingDayCalendar {
  private readonly official = new Map<number, OfficialYear>();
  private readonly days = new Map<number, YearDays>();

  constructor(
    arrangements: Readonly<Record<number, OfficialYear>>,
    private readonly options: WorkingDayCalendarOptions = {},
  ) {
    const years = Object.keys(arrangements).map(Number);
    if (years.length === 0 && !options.provisional)
      throw new RangeError('WorkingDayCalendar needs at least one year of holiday arrangements');
    for (const year of years) this.setOfficial(year, arrangements[year]!);
  }

  /** True for the error this calendar throws for a year it cannot count at all (CalendarCoverageError). */
  isCoverageGap(err: unknown): err is CalendarCoverageError {
    return err instanceof CalendarCoverageError;
  }

  /** The years with an official arrangement, ascending. */
  coveredYears(): readonly number[] {
    return [...this.official.keys()].sort((a, b) => a - b);
  }

  /** An official year's arrangement and notice. */
  officialYear(year: number): OfficialYear | undefined {
    return this.official.get(year);
  }

  /** `official`, `provisional` (no notice, counted on the statutory holidays), or null (not counted). */
  statusOf(year: number): CalendarYearStatus | null {
    if (this.official.has(year)) return 'official';
    return this.options.provisional ? 'provisional' : null;
  }

  /** The years from `from` to `to` (either order) that have no official arrangement, ascending. */
  provisionalYears(from: DateInput, to: DateInput): number[] {
    const a = Number(toShanghaiDate(from).slice(0, 4));
    const b = Number(toShanghaiDate(to).slice(0, 4));
    const out: number[] = [];
    for (let y = Math.min(a, b); y <= Math.max(a, b); y += 1) if (!this.official.has(y)) out.push(y);
    return out;
  }

  /** Version and hash of the official years (what the other cities compare). */
  identity(): CalendarIdentity {
    const years = this.coveredYears();
    const content = years.map((year) => {
      const y = this.official.get(year)!;
      return { year, notice: y.notice ?? null, holidays: [...y.holidays].sort(), workdays: [...y.workdays].sort() };
    });
    return { version: years.join('+') || 'provisional', hash: sha256Hex(stableJson(content)) };
  }

  /**
   * Loads (or replaces) the official arrangement of a year, in place: every holder of this calendar
   * counts on it from now on (callers then recount what they stored, see DeadlineRecomputeService).
   */
  load(year: number, arrangement: OfficialYear): CalendarYearLoaded {
    const previous = this.statusOf(year);
    this.setOfficial(year, arrangement);
    return { year, previous, identity: this.identity() };
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
    for (let left = n; left > 0;) {
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

  private setOfficial(year: number, arrangement: OfficialYear): void {
    const days: YearDays = { holidays: new Set(), workdays: new Set(), status: 'official' };
    for (const [list, set] of [
      [arrangement.holidays, days.holidays],
      [arrangement.workdays, days.workdays],
    ] as const) {
      for (const d of list) {
        if (!isCivilDate(d) || Number(d.slice(0, 4)) !== year) throw new RangeError(`Holiday arrangement for ${year} lists ${d}`);
        set.add(toDay(d));
      }
    }
    this.official.set(year, {
      holidays: [...arrangement.holidays],
      workdays: [...arrangement.workdays],
      ...(arrangement.notice ? { notice: { ...arrangement.notice } } : {}),
    });
    this.days.set(year, days);
  }

  private yearDays(year: number): YearDays {
    const known = this.days.get(year);
    if (known) return known;
    if (!this.options.provisional) throw new CalendarCoverageError(year, this.coveredYears());
    let arrangement: YearArrangement;
    try {
      arrangement = this.options.provisional(year);
    } catch {
      throw new CalendarCoverageError(year, this.coveredYears());
    }
    const days: YearDays = {
      holidays: new Set(arrangement.holidays.map(toDay)),
      workdays: new Set(arrangement.workdays.map(toDay)),
      status: 'provisional',
    };
    this.days.set(year, days);
    return days;
  }

  private isWorking(day: number): boolean {
    const { workdays, holidays } = this.yearDays(new Date(day * DAY_MS).getUTCFullYear());
    if (workdays.has(day)) return true;
    if (holidays.has(day)) return false;
    const weekday = new Date(day * DAY_MS).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }
}
