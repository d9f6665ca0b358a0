import { describe, expect, it } from '@jest/globals';
import { type AuditRecord, chainHash, GENESIS_HASH, verifyChain } from './audit-chain.js';

const build = (n: number) => {
  const rows: (AuditRecord & { prevHash: string; hash: string })[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i += 1) {
    const r: AuditRecord = { seq: i, at: new Date(Date.UTC(2026, 10, 27, 0, 0, i)).toISOString(), actor: 'clerk:fs-clerk', action: 'case.accept', resource: `case:${i}`, outcome: 'success', detail: { b: i, a: [1, 2] }, correlationId: null };
    const hash = chainHash(prev, r);
    rows.push({ ...r, prevHash: prev, hash });
    prev = hash;
  }
  return rows;
};

describe('audit hash chain', () => {
  it('verifies an intact chain and is independent of key order in details', () => {
    const rows = build(5);
    expect(verifyChain(rows)).toMatchObject({ ok: true, count: 5 });
    const reordered = rows.map((r) => ({ ...r, detail: { a: r.detail.a, b: r.detail.b } }));
    expect(verifyChain(reordered).ok).toBe(true);
  });

  it('reports the first broken link: edited content, removed record, relinked record', () => {
    const rows = build(5);
    expect(verifyChain(rows.map((r) => (r.seq === 3 ? { ...r, actor: 'admin:x' } : r)))).toMatchObject({ ok: false, brokenAtSeq: 3 });
    expect(verifyChain(rows.filter((r) => r.seq !== 2))).toMatchObject({ ok: false, brokenAtSeq: 3 });
    const forged = rows.map((r) => (r.seq === 4 ? { ...r, prevHash: 'f'.repeat(64) } : r));
    expect(verifyChain(forged)).toMatchObject({ ok: false, brokenAtSeq: 4 });
  });
});
