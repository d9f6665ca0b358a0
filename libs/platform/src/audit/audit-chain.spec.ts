import { describe, expect, it } from '@jest/globals';
import { type AuditRecord, type ChainedRecord, chainHash, GENESIS_HASH, verifyChain } from './audit-chain.js';

/** n records chained in `seqs` order (default 1..n: the chain order of records written before the background chainer). */
const build = (n: number, seqs: number[] = Array.from({ length: n }, (_, i) => i + 1)) => {
  const rows: ChainedRecord[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i += 1) {
    const r: AuditRecord = {
      seq: seqs[i - 1]!,
      at: new Date(Date.UTC(2026, 10, 27, 0, 0, i)).toISOString(),
      actor: 'clerk:fs-clerk',
      action: 'case.accept',
      resource: `case:${i}`,
      outcome: 'success',
      detail: { b: i, a: [1, 2] },
      correlationId: null,
    };
    const hash = chainHash(prev, r);
    rows.push({ ...r, pos: i, prevHash: prev, hash });
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
    expect(verifyChain(rows.filter((r) => r.seq !== 2))).toMatchObject({ ok: false, brokenAtSeq: 3, brokenAtPos: 3 });
    const forged = rows.map((r) => (r.seq === 4 ? { ...r, prevHash: 'f'.repeat(64) } : r));
    expect(verifyChain(forged)).toMatchObject({ ok: false, brokenAtSeq: 4 });
  });

  it('follows the chain position, not seq: records linked out of seq order, with seq gaps, verify', () => {
    const rows = build(5, [2, 1, 4, 7, 5]);
    expect(verifyChain(rows)).toMatchObject({ ok: true, count: 5 });
    // The same records walked in seq order are not the chain.
    expect(verifyChain([...rows].sort((a, b) => a.seq - b.seq))).toMatchObject({ ok: false });
  });

  it('finds a removed position, an inserted record and a moved record', () => {
    const rows = build(6, [1, 3, 2, 4, 6, 5]);
    expect(verifyChain(rows.filter((r) => r.pos !== 3))).toMatchObject({
      ok: false,
      brokenAtPos: 4,
      reason: expect.stringContaining('position gap'),
    });
    // Removed and the later positions renumbered: the link breaks.
    const renumbered = rows.filter((r) => r.pos !== 3).map((r) => (r.pos > 3 ? { ...r, pos: r.pos - 1 } : r));
    expect(verifyChain(renumbered)).toMatchObject({
      ok: false,
      brokenAtPos: 3,
      brokenAtSeq: 4,
      reason: expect.stringContaining('prev_hash'),
    });
    // Inserted with a correct link to its predecessor and a correct hash, the later positions shifted.
    const { pos: _pos, prevHash: _prev, hash: _hash, ...second } = rows[1]!;
    const forged: AuditRecord = { ...second, seq: 99, actor: 'admin:x' };
    const inserted = { ...forged, pos: 3, prevHash: rows[1]!.hash, hash: chainHash(rows[1]!.hash, forged) };
    const withInsert = [...rows.slice(0, 2), inserted, ...rows.slice(2).map((r) => ({ ...r, pos: r.pos + 1 }))];
    expect(verifyChain(withInsert)).toMatchObject({ ok: false, brokenAtPos: 4, brokenAtSeq: 2 });
    // Two records swapping places.
    const swapped = rows.map((r) => (r.pos === 2 ? { ...r, pos: 3 } : r.pos === 3 ? { ...r, pos: 2 } : r)).sort((a, b) => a.pos - b.pos);
    expect(verifyChain(swapped)).toMatchObject({ ok: false, brokenAtPos: 2 });
  });
});
