import { isCivilDate } from '../time/shanghai-date.js';

/**
 * The fields a page cursor may carry, each checked exactly: a cursor is client input, and a forged one
 * that is well formed (a 13th month, 30 February, an epoch beyond bigint) would otherwise reach SQL as a
 * cast that fails — a 500 instead of the endpoint's "invalid cursor" 400.
 */
export type CursorField = (value: unknown) => boolean;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** YYYY-MM-DDTHH:MM:SS, optional fraction (up to microseconds), Z or an offset. */
const INSTANT = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

const text = (v: unknown): v is string => typeof v === 'string';

export const cursorField = {
  /** A UUID as PostgreSQL writes it (lowercase). */
  uuid: ((v) => text(v) && UUID.test(v)) as CursorField,
  /** A real civil date, YYYY-MM-DD. */
  date: ((v) => text(v) && isCivilDate(v)) as CursorField,
  /** A month, YYYY-MM. */
  month: ((v) => text(v) && /^\d{4}-(0[1-9]|1[0-2])$/.test(v)) as CursorField,
  /** An instant as an ISO 8601 date-time on a real civil date (what `toISOString()` or PostgreSQL writes). */
  instant: ((v) => text(v) && INSTANT.test(v) && isCivilDate(INSTANT.exec(v)![1]!)) as CursorField,
  /** Epoch microseconds as decimal text, within PostgreSQL's bigint (and its timestamps: 16 digits reach the year 2286). */
  micros: ((v) => text(v) && /^\d{1,16}$/.test(v)) as CursorField,
  /** A non-negative PostgreSQL bigint as decimal text (a sequence number). */
  bigint: ((v) => text(v) && /^\d{1,19}$/.test(v) && BigInt(v) <= 9_223_372_036_854_775_807n) as CursorField,
  /** Any text of 1–`max` characters without control characters (an opaque key such as a catalogue item code). */
  text:
    (max: number): CursorField =>
    (v) =>
      text(v) && v.length > 0 && v.length <= max && !/\p{Cc}/u.test(v),
} as const;

/** A type guard for `decodeCursor` from the fields a cursor carries and what each may hold. */
export const cursorShape =
  <T extends Record<string, string>>(fields: { [K in keyof T]: CursorField }) =>
  (v: unknown): v is T =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.entries(fields).every(([k, ok]) => (ok as CursorField)((v as Record<string, unknown>)[k]));
