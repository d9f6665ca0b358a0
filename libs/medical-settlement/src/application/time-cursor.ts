/**
 * The cursor of the domain's newest-first lists (备案, bookings): the last row's time as epoch microseconds (text, as
 * PostgreSQL computes it) and its id. Encoded and checked with the kernel's cursor codec.
 */
export interface TimeCursor {
  k: string;
  i: string;
}

export const isTimeCursor = (v: unknown): v is TimeCursor => {
  const c = v as Partial<TimeCursor> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.k === 'string' &&
    /^\d{1,20}$/.test(c.k) &&
    typeof c.i === 'string' &&
    /^[0-9a-f-]{36}$/.test(c.i)
  );
};
