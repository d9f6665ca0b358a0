/** What runs raw SQL: an EntityManager (a transaction), the DataSource or a QueryRunner. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * The rows of a raw query's result. TypeORM's `query()` on PostgreSQL answers SELECT and
 * INSERT … RETURNING with the rows, but UPDATE and DELETE (with or without RETURNING) with
 * `[rows, rowCount]`; this returns the rows either way.
 */
export const rowsOf = <T>(result: unknown): T[] => {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
};

/**
 * Runs `sql` and returns its rows typed as `T`, whatever the statement (SELECT, INSERT/UPDATE/DELETE
 * … RETURNING). The one place where raw rows get their type: repositories call this, then map.
 */
export const queryRows = async <T>(db: SqlRunner, sql: string, params: readonly unknown[] = []): Promise<T[]> =>
  rowsOf<T>(await db.query(sql, [...params]));

/** The first row of `sql`, or undefined. */
export const queryRow = async <T>(db: SqlRunner, sql: string, params: readonly unknown[] = []): Promise<T | undefined> =>
  (await queryRows<T>(db, sql, params))[0];
