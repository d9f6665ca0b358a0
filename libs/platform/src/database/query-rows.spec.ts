import { describe, expect, it } from '@jest/globals';
import { insertPart, prepared, queryRow, queryRows, rowsOf, sqlText } from './query-rows.js';

describe('queryRows', () => {
  it('returns the rows of SELECT / INSERT … RETURNING as they come, and of UPDATE / DELETE … RETURNING out of [rows, count]', async () => {
    expect(rowsOf([{ id: 'a' }])).toEqual([{ id: 'a' }]);
    expect(rowsOf([[{ id: 'a' }], 1])).toEqual([{ id: 'a' }]);
    expect(rowsOf([[], 0])).toEqual([]);
    expect(rowsOf([])).toEqual([]);
    const db = { query: async (sql: string) => (sql.startsWith('UPDATE') ? [[{ id: 'u' }], 1] : [{ id: 's' }]) };
    expect(await queryRows(db, 'UPDATE t SET x = 1 RETURNING id')).toEqual([{ id: 'u' }]);
    expect(await queryRow(db, 'SELECT id FROM t')).toEqual({ id: 's' });
    expect(await queryRow({ query: async () => [[], 0] }, 'DELETE FROM t RETURNING id')).toBeUndefined();
  });
});

describe('prepared', () => {
  it('names a statement by a digest of its text: one name per text, never one name for two texts; handed to the driver as is', async () => {
    const a = prepared('SELECT 1 WHERE $1::int > 0');
    expect(prepared('SELECT 1 WHERE $1::int > 0')).toEqual(a);
    expect(prepared('SELECT 2 WHERE $1::int > 0').name).not.toBe(a.name);
    expect(a.name).toMatch(/^gf_[0-9a-f]{24}$/);
    expect(sqlText(a)).toBe('SELECT 1 WHERE $1::int > 0');
    const seen: unknown[] = [];
    const db = { query: async (sql: unknown, params?: unknown[]) => (seen.push(sql, params), [{ ok: 1 }]) };
    expect(await queryRows(db as never, a, [5])).toEqual([{ ok: 1 }]);
    expect(seen).toEqual([a, [5]]);
  });
});

describe('insertPart', () => {
  it('writes one row the same way as its own statement or as a CTE of another, its parameters numbered from where it is put', () => {
    const part = insertPart('platform.audit_log', ['at', 'actor', 'action']);
    expect(part.sql(1)).toBe('INSERT INTO platform.audit_log (at, actor, action) VALUES ($1, $2, $3)');
    expect(part.cte('audited', 26)).toBe(
      'audited AS (INSERT INTO platform.audit_log (at, actor, action) VALUES ($26, $27, $28) RETURNING 1)',
    );
    expect(part.columns).toEqual(['at', 'actor', 'action']);
  });
});
