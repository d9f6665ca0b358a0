import { cursorField, cursorShape, decodeCursor, encodeCursor } from '@guangfo/kernel';
import { medicalError } from '../medical.errors.js';

/**
 * The cursor of the domain's newest-first lists (备案, bookings): the last row's time as epoch microseconds (text, as
 * PostgreSQL computes it) and its id. Encoded and checked with the kernel's cursor codec.
 */
export type TimeCursor = {
  k: string;
  i: string;
};

export const isTimeCursor = cursorShape<TimeCursor>({ k: cursorField.micros, i: cursorField.uuid });

/** A list query's page size (default 20) and the position to continue after; a cursor this API did not return → 400. */
export const readTimePage = (q: { cursor?: string; limit?: number }): { limit: number; after?: TimeCursor } => {
  const limit = q.limit ?? 20;
  if (!q.cursor) return { limit };
  const after = decodeCursor(q.cursor, isTimeCursor);
  if (!after) throw medicalError('MEDICAL_INVALID_CURSOR', { detail: 'cursor is not one this API returned' });
  return { limit, after };
};

/** The page of `rows` read with `limit + 1` (the extra row only says there is more) and the cursor after its last row. */
export const timePage = <R extends { k: string; id: string }>(
  rows: readonly R[],
  limit: number,
): { page: R[]; nextCursor: string | null } => {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last ? encodeCursor({ k: last.k, i: last.id } satisfies TimeCursor) : null };
};
