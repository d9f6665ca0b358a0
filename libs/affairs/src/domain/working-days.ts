/**
 * The working-day calendar the case rules count on (a port: the domain states what it needs, the
 * application layer supplies the catalogue's calendar, which has this shape). Dates are civil dates
 * `YYYY-MM-DD` (or instants) in Asia/Shanghai.
 */
export interface WorkingDays {
  /** The n-th working day after `start`, not counting paused days. */
  addWorkingDays(start: string | Date, n: number, pauses?: readonly DayPause[]): string;
  /** Working days from `from` to `to` (negative when `to` is earlier). */
  countWorkingDays(from: string | Date, to: string | Date, pauses?: readonly DayPause[]): number;
  /** Working days inside the pauses. */
  pausedWorkingDays(pauses: readonly DayPause[]): number;
  /** The years between the two dates counted without an official notice (provisionally). */
  provisionalYears(from: string | Date, to: string | Date): number[];
  /** True for the error the calendar throws when a date falls in a year it cannot count at all. */
  isCoverageGap(err: unknown): boolean;
}

/** Days on which a case's clock stands still, both ends included. */
export interface DayPause {
  from: string | Date;
  to: string | Date;
}
