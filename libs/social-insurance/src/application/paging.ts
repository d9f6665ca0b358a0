import { cursorField, cursorShape, decodeCursor, encodeCursor } from '@guangfo/kernel';
import { socialInsuranceError } from '../social-insurance.errors.js';

/** A page of a clerk list: newest first; `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The position after which the next page starts: the last row's creation time (ISO, ms) and id. */
export type PageCursor = {
  c: string;
  i: string;
};

export const DEFAULT_PAGE = 20;

const isPageCursor = cursorShape<PageCursor>({ c: cursorField.instant, i: cursorField.uuid });

/**
 * Reads a list query with the platform's one cursor codec (`@guangfo/kernel`): the limit (1–100,
 * the DTO bounds it; 20 by default) and the position to continue after. A cursor this API did not
 * return → 400 SI_INVALID_CURSOR.
 */
export function readPage(q: { limit?: number; cursor?: string }): { limit: number; after?: PageCursor } {
  const limit = Math.min(Math.max(q.limit ?? DEFAULT_PAGE, 1), 100);
  if (q.cursor === undefined) return { limit };
  const after = decodeCursor(q.cursor, isPageCursor);
  if (!after) throw socialInsuranceError('SI_INVALID_CURSOR', { detail: 'send back the nextCursor of the previous page unchanged' });
  return { limit, after };
}

/** Rows fetched with `LIMIT limit + 1`: the page and the cursor after its last row (when more follow). */
export function pageRows<R extends { id: string; created_at: Date }>(rows: R[], limit: number): { page: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    page,
    nextCursor:
      rows.length > limit && last ? encodeCursor({ c: new Date(last.created_at).toISOString(), i: last.id } satisfies PageCursor) : null,
  };
}
