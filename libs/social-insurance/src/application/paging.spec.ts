import { describe, expect, it } from '@jest/globals';
import { encodeCursor } from '@guangfo/kernel';
import type { DomainError } from '@guangfo/platform';
import { pageRows, readPage } from './paging.js';

const rows = (n: number) =>
  Array.from({ length: n }, (_, k) => ({
    id: `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`,
    created_at: new Date(Date.UTC(2026, 0, 1) - k * 1000),
  }));

describe('cursor pages of the social-insurance lists', () => {
  it('walks the whole list once: each cursor continues after the last row of its page', () => {
    const all = rows(7);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const { limit, after } = readPage({ limit: 3, ...(cursor ? { cursor } : {}) });
      // The database's WHERE (created_at, id) < cursor ORDER BY created_at DESC, id DESC LIMIT limit + 1:
      const rest = all.filter(
        (r) => !after || r.created_at.getTime() < Date.parse(after.c) || (r.created_at.getTime() === Date.parse(after.c) && r.id < after.i),
      );
      const { page, nextCursor } = pageRows(rest.slice(0, limit + 1), limit);
      seen.push(...page.map((r) => r.id));
      if (!nextCursor) break;
      cursor = nextCursor;
    }
    expect(seen).toEqual(all.map((r) => r.id));
  });

  it('refuses a cursor it did not issue with 400 SI_INVALID_CURSOR', () => {
    for (const cursor of [
      'not-a-cursor!',
      encodeCursor({ c: 'yesterday', i: 'x' }),
      encodeCursor({ c: '2026-01-01T00:00:00.000Z', i: "1' OR 1=1" }),
    ]) {
      let err: DomainError | undefined;
      try {
        readPage({ cursor });
      } catch (e) {
        err = e as DomainError;
      }
      expect([err?.status, err?.code]).toEqual([400, 'SI_INVALID_CURSOR']);
    }
  });

  it('bounds the limit (default 20, at most 100)', () => {
    expect(readPage({}).limit).toBe(20);
    expect(readPage({ limit: 1000 }).limit).toBe(100);
  });
});
