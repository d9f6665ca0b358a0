import { describe, expect, it } from '@jest/globals';
import { queryRow, queryRows, rowsOf } from './query-rows.js';

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
