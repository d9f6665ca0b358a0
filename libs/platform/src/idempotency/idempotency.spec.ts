import { describe, expect, it } from '@jest/globals';
import type { EntityManager } from 'typeorm';
import { sha256Hex, stableJson } from '@guangfo/kernel';
import { type Sql, sqlText } from '../database/query-rows.js';
import { Idempotency } from './idempotency.js';

class Problem extends Error {
  constructor(
    readonly code: string,
    readonly resourceId?: string,
  ) {
    super(code);
  }
}
const keys = new Idempotency('test.create', {
  invalid: () => new Problem('KEY_INVALID'),
  reused: (_m, id) => new Problem('KEY_REUSED', id),
});

/** A stand-in for platform.idempotency_key: the INSERT … ON CONFLICT DO NOTHING and the SELECT that claim() runs. */
const table = () => {
  const rows = new Map<string, { request_hash: string; resource_id: string }>();
  const em = {
    query: async (sql: Sql, p: string[]) => {
      const id = p.slice(0, 3).join('/');
      if (sqlText(sql).startsWith('INSERT')) {
        if (rows.has(id)) return [];
        rows.set(id, { request_hash: p[3]!, resource_id: p[4]! });
        return [{ resource_id: p[4] }];
      }
      return rows.has(id) ? [rows.get(id)] : [];
    },
  };
  return { rows, em: em as unknown as EntityManager };
};

describe('Idempotency', () => {
  it('takes keys of 1–128 characters of A–Z a–z 0–9 _ . : - and refuses others, never truncating', () => {
    expect(keys.key(undefined)).toBeUndefined();
    expect(keys.key('fs-window-2026:0001_a.b')).toBe('fs-window-2026:0001_a.b');
    expect(keys.key('k'.repeat(128))).toBe('k'.repeat(128));
    for (const bad of ['', 'k'.repeat(129), 'with space', '中文', 'a/b', 'tab\t'])
      expect(() => keys.key(bad)).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }));
  });

  it('reserves a key per scope and caller; the same body again replays the first resource, another body is refused', async () => {
    const { rows, em } = table();
    expect(await keys.claim(em, { caller: 'clerk:a', key: 'k1', body: { b: 1, a: 2 }, resourceId: 'r1' })).toEqual({ replay: false });
    expect(rows.get('test.create/clerk:a/k1')?.request_hash).toBe(sha256Hex(stableJson({ a: 2, b: 1 })));
    expect(await keys.claim(em, { caller: 'clerk:a', key: 'k1', body: { a: 2, b: 1 }, resourceId: 'r2' })).toEqual({
      replay: true,
      resourceId: 'r1',
    });
    await expect(keys.claim(em, { caller: 'clerk:a', key: 'k1', body: { a: 3 }, resourceId: 'r3' })).rejects.toMatchObject({
      code: 'KEY_REUSED',
      resourceId: 'r1',
    });
    expect(await keys.claim(em, { caller: 'clerk:b', key: 'k1', body: { a: 3 }, resourceId: 'r4' })).toEqual({ replay: false });
    const other = new Idempotency('test.other', { invalid: () => new Error('x'), reused: () => new Error('y') });
    expect(await other.claim(em, { caller: 'clerk:a', key: 'k1', body: { a: 3 }, resourceId: 'r5' })).toEqual({ replay: false });
  });
});
