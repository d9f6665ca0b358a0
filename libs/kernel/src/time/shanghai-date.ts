/**
 * Civil dates of the node: China keeps one time zone, Asia/Shanghai (UTC+8, no daylight saving
 * since 1991). Working days, validity periods and "today" are all civil dates written `YYYY-MM-DD`.
 */
export const SHANGHAI_TIME_ZONE = 'Asia/Shanghai';

/** A civil date `YYYY-MM-DD`, or an instant (Date or ISO date-time string). */
export type DateInput = string | Date;

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
const shanghaiDate = new Intl.DateTimeFormat('en-CA', { timeZone: SHANGHAI_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
/**
 * Asia/Shanghai has been UTC+8 all year since its last daylight saving time ended on 1991-09-15: between 1992-01-01 and the
 * end of year 9999 (four-digit years) the civil date of an instant is the UTC date eight hours later, with no time-zone
 * lookup (Intl formatting was a visible share of a case step, which computes deadlines from many instants). Outside that
 * range the time-zone database answers, as for every instant before.
 */
const UTC8_MS = 8 * 3_600_000;
const UTC8_FROM = Date.UTC(1992, 0, 1) - UTC8_MS;
const UTC8_UNTIL = Date.UTC(10_000, 0, 1) - UTC8_MS;

/** True for a real civil date written YYYY-MM-DD. */
export function isCivilDate(value: string): boolean {
  if (!DATE_PATTERN.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** The civil date in Asia/Shanghai of an input: a `YYYY-MM-DD` string is taken as is. */
export function toShanghaiDate(input: DateInput): string {
  if (typeof input === 'string' && DATE_PATTERN.test(input)) {
    if (!isCivilDate(input)) throw new RangeError(`Invalid date: ${input}`);
    return input;
  }
  const instant = input instanceof Date ? input : new Date(input);
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new RangeError(`Invalid date: ${String(input)}`);
  if (t >= UTC8_FROM && t < UTC8_UNTIL) return new Date(t + UTC8_MS).toISOString().slice(0, 10);
  return shanghaiDate.format(instant);
}

/** The civil date `n` calendar days after (or, negative, before) `date` (`YYYY-MM-DD`). */
export const addCivilDays = (date: string, n: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
