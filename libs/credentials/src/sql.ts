/**
 * TypeORM's raw `query()` on PostgreSQL returns the rows for SELECT and INSERT … RETURNING, but
 * `[rows, rowCount]` for UPDATE / DELETE … RETURNING. This returns the rows either way.
 */
export const returnedRows = <T>(result: unknown): T[] => {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
};
