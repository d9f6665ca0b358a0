import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MedicalStatementChunkV1, MedicalStatementIssuedV2 } from '@guangfo/contracts';
import { sm3 } from '@guangfo/gm-crypto';
import { type ClearingClaim, statementItems, statementTotals, verifyStatement } from './clearing.js';
import {
  assembleStatement,
  chunkItems,
  distinctItems,
  itemsDigest,
  type StagedChunk,
  statementComplete,
  type StatementLine,
} from './statement-chunks.js';

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const line = (i: number, kind: 'claim' | 'reversal' = 'claim'): StatementLine => {
  const sign = kind === 'claim' ? 1 : -1;
  return { settlementId: uuid(i), kind, fundFen: sign * (1_000 + i), accountFen: sign * (i % 7), totalFen: sign * (5_000 + i) };
};
const lines = (n: number) => Array.from({ length: n }, (_, i) => line(i));
/** What the treating city sends for `items` in chunks of `size`: the header's part that the insured city checks, and the chunks. */
const send = (items: StatementLine[], size: number, advanceFen = 0) => {
  const chunks: StagedChunk[] = chunkItems(items, size).map((c, index) => ({ index, items: c }));
  const header = {
    itemCount: items.length,
    chunkCount: chunks.length,
    itemsDigest: itemsDigest(items),
    advanceFen,
    totals: { advanceFen },
  };
  return { header, chunks };
};

describe('a clearing statement in chunks', () => {
  it('splits the items into runs of at most N, in order; none for no items', () => {
    expect(chunkItems(lines(7), 3).map((c) => c.map((i) => i.fundFen))).toEqual([[1_000, 1_001, 1_002], [1_003, 1_004, 1_005], [1_006]]);
    expect(chunkItems(lines(6), 3)).toHaveLength(2);
    expect(chunkItems([], 3)).toEqual([]);
    expect(() => chunkItems(lines(1), 0)).toThrow(RangeError);
  });

  it('digests the items in order with SM3, as the contract spells it out, whatever the chunk size', () => {
    const items = [line(1), line(2, 'reversal')];
    expect(itemsDigest(items)).toBe(
      sm3('guangfo-statement-items/v1\n' + `${uuid(1)}\tclaim\t1001\t1\t5001\n` + `${uuid(2)}\treversal\t-1002\t-2\t-5002\n`),
    );
    expect(itemsDigest([])).toBe(sm3('guangfo-statement-items/v1\n'));
    expect(itemsDigest([items[1]!, items[0]!])).not.toBe(itemsDigest(items));
    // More lines than one update of the digest holds.
    const many = lines(2_345);
    expect(itemsDigest(many)).toBe(
      sm3(
        'guangfo-statement-items/v1\n' +
          many.map((i) => `${i.settlementId}\t${i.kind}\t${i.fundFen}\t${i.accountFen}\t${i.totalFen}\n`).join(''),
      ),
    );
    // The contract's example header digests its example chunk.
    expect(MedicalStatementIssuedV2.example.itemsDigest).toBe(itemsDigest(MedicalStatementChunkV1.example.items));
  });

  it('assembles the chunks in index order, whatever order they were staged in, and checks count and digest', () => {
    const items = lines(10);
    const { header, chunks } = send(items, 4);
    expect(statementComplete(header.chunkCount, [2, 0])).toBe(false);
    expect(statementComplete(header.chunkCount, [2, 0, 1])).toBe(true);
    expect(statementComplete(0, [])).toBe(true);
    const assembled = assembleStatement(header, [chunks[2]!, chunks[0]!, chunks[1]!]);
    expect(assembled).toEqual({ items, problems: [] });
    expect(assembleStatement(send([], 4).header, [])).toEqual({ items: [], problems: [] });
  });

  it('reports a tampered chunk: the digest differs, and the verifier finds the item', () => {
    const claims: ClearingClaim[] = Array.from({ length: 10 }, (_, i) => ({
      settlementId: uuid(i),
      settledOn: '2026-03-02',
      reversedOn: null,
      fundFen: 1_000 + i,
      accountFen: i % 7,
      totalFen: 5_000 + i,
    }));
    const items = statementItems(claims, '2026-03');
    const { header, chunks } = send(items, 4);
    const tampered = chunks.map((c) =>
      c.index === 1 ? { ...c, items: c.items.map((i, k) => (k === 0 ? { ...i, fundFen: i.fundFen + 100 } : i)) } : c,
    );
    const a = assembleStatement(header, tampered);
    expect(a.problems).toEqual([expect.stringMatching(/^the items' SM3 digest is [0-9a-f]{64}, the header's [0-9a-f]{64}$/)]);
    const totals = statementTotals(items, 0);
    const proof = verifyStatement({ period: '2026-03', items: a.items.map((i) => ({ ...i, contest: null })), totals }, claims);
    expect(proof.problems).toEqual(
      expect.arrayContaining([`claim:${uuid(4)}: amounts differ from the claim`, 'totals.claimedFundFen is 10045, the items give 10145']),
    );
  });

  it('reports a missing chunk, a chunk beyond the header, a chunk twice and a header whose advance differs from its totals', () => {
    const items = lines(10);
    const { header, chunks } = send(items, 4);
    const missing = assembleStatement(header, [chunks[0]!, chunks[2]!]);
    expect(missing.problems).toEqual([
      'chunk 1 of 3 is missing',
      'the header counts 10 items, its chunks carry 6',
      expect.stringMatching(/^the items' SM3 digest is/),
    ]);
    const beyond = assembleStatement(header, [...chunks, { index: 3, items: [line(99)] }]);
    expect(beyond).toEqual({ items, problems: ["chunk 3 is beyond the header's 3 chunks: its 1 items are left out"] });
    const twice = assembleStatement(header, [...chunks, chunks[1]!]);
    expect(twice).toEqual({ items, problems: ['chunk 1 arrived twice: the second is left out'] });
    expect(assembleStatement({ ...header, totals: { advanceFen: 5 } }, chunks).problems).toEqual([
      "the header's advance is 0, its totals' 5",
    ]);
  });

  it('reports a chunk that repeats the items of another in its place: count and digest hold only by chance, never here', () => {
    const items = lines(8);
    const { header, chunks } = send(items, 4);
    // Chunk 1 carries chunk 0's items again: as many items as announced, but not the statement's.
    const a = assembleStatement(header, [chunks[0]!, { index: 1, items: chunks[0]!.items }]);
    expect(a.items).toHaveLength(8);
    expect(a.problems).toEqual([expect.stringMatching(/^the items' SM3 digest is/)]);
    // Recorded once each; the verifier lists the repeats.
    expect(distinctItems(a.items)).toEqual(items.slice(0, 4));
    expect(distinctItems(items)).toBe(items);
    const reversal = { ...items[0]!, kind: 'reversal' as const };
    expect(distinctItems([items[0]!, reversal, items[0]!])).toEqual([items[0]!, reversal]);
  });

  it('any statement cut at any size assembles to itself from its chunks in any order (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (n, size, seed) => {
          const items = lines(n);
          const { header, chunks } = send(items, size);
          // A deterministic shuffle of the staged chunks.
          const shuffled = [...chunks].sort((a, b) => ((a.index * 2_654_435_761 + seed) % 97) - ((b.index * 2_654_435_761 + seed) % 97));
          const a = assembleStatement(header, shuffled);
          return a.problems.length === 0 && a.items.length === n && itemsDigest(a.items) === itemsDigest(items);
        },
      ),
      { numRuns: 200 },
    );
  });
});
