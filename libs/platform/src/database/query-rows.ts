import { createHash } from 'node:crypto';

/** What runs raw SQL: an EntityManager (a transaction), the DataSource or a QueryRunner. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * A statement PostgreSQL keeps prepared on each pooled connection: parsed and planned on its first use there, then only
 * bound and executed (after five runs the server may keep one generic plan). For the hot paths only, and only for SQL whose
 * text is a constant of the code (never values inlined into it): each distinct text is one statement per connection. The
 * name is a digest of the text, so one name never stands for two texts. node-postgres takes `{ name, text }` where a query
 * string goes, and TypeORM hands it through; `sqlText` gives the text back for logs and errors.
 */
export interface PreparedSql {
  readonly name: string;
  readonly text: string;
}
export const prepared = (text: string): PreparedSql =>
  Object.freeze({ name: `gf_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`, text });
export type Sql = string | PreparedSql;
export const sqlText = (sql: Sql): string => (typeof sql === 'string' ? sql : sql.text);

/**
 * A one-row INSERT that can ride inside another statement as a CTE, so that several writes of one transaction cost one
 * round trip (the hot paths: a domain's write, its outbox row and its audit record). `cte(name, first)` is
 * `name AS (INSERT INTO table (columns) VALUES ($first, …) RETURNING 1)`, its parameters numbered from `$first`, one per
 * column in order; `sql(1)` is the same INSERT as a statement of its own. The owner of the table defines it once and
 * gives the values (its `…Params` function), so the row is written the same way whichever statement carries it.
 */
export interface InsertPart {
  readonly columns: readonly string[];
  cte(name: string, first: number): string;
  sql(first: number): string;
}
export const insertPart = (table: string, columns: readonly string[]): InsertPart => {
  const values = (first: number) => columns.map((_, i) => `$${first + i}`).join(', ');
  const sql = (first: number) => `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values(first)})`;
  return Object.freeze({ columns, sql, cte: (name: string, first: number) => `${name} AS (${sql(first)} RETURNING 1)` });
};

/** Runs `sql` (a string, or a prepared statement) on `db`. */
export const runSql = (db: SqlRunner, sql: Sql, params: readonly unknown[] = []): Promise<unknown> =>
  // A PreparedSql is passed as the query itself: TypeORM's query() hands it to node-postgres unchanged.
  db.query(sql as string, [...params]);

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
export const queryRows = async <T>(db: SqlRunner, sql: Sql, params: readonly unknown[] = []): Promise<T[]> =>
  rowsOf<T>(await runSql(db, sql, params));

/** The first row of `sql`, or undefined. */
export const queryRow = async <T>(db: SqlRunner, sql: Sql, params: readonly unknown[] = []): Promise<T | undefined> =>
  (await queryRows<T>(db, sql, params))[0];

/** Whether `err` is PostgreSQL's unique violation (23505) of `constraint`: a TypeORM QueryFailedError or the driver's own error. */
export const isUniqueViolation = (err: unknown, constraint: string): boolean => {
  const e = ((err as { driverError?: unknown } | null)?.driverError ?? err) as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && e.constraint === constraint;
};
