/**
 * A clearing statement on the wire (docs/medical-settlement.md § 5): a header — what the statement is, its item count, how
 * many chunks carry the items, the SM3 digest of every item in order and the treating city's totals — and chunks of at most
 * STATEMENT_CHUNK_MAX_ITEMS items each, index 0 … chunkCount − 1. The insured city stages the pieces in any order, and assembles
 * the statement once the header and every chunk it announces are there: the chunks' items in index order, checked against the
 * header's count and digest. What does not match is a problem of the proof, never repaired and never silently accepted.
 */
import { STATEMENT_ITEMS_DIGEST_CONTEXT } from '@guangfo/contracts';
import { sm3Digester } from '@guangfo/gm-crypto';
import type { StatementItem } from './clearing.js';

/** An item as it travels (no contest). */
export type StatementLine = Pick<StatementItem, 'settlementId' | 'kind' | 'fundFen' | 'accountFen' | 'totalFen'>;

/** What the insured city checks the assembled items against: the header's part of it. */
export interface StatementHeaderCheck {
  itemCount: number;
  chunkCount: number;
  itemsDigest: string;
  advanceFen: number;
  totals: { advanceFen: number };
}

/** One staged chunk: its index and items as they arrived. */
export interface StagedChunk<T extends StatementLine = StatementLine> {
  index: number;
  items: readonly T[];
}

/** The items in runs of at most `size`, in order (none for no items). */
export const chunkItems = <T>(items: readonly T[], size: number): T[][] => {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`a chunk holds at least one item, not ${size}`);
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
};

/** Lines hashed per update of the digest (bounds the text held at once). */
const DIGEST_BATCH = 1_000;

/**
 * The header's `itemsDigest`: SM3 (lowercase hex) over "guangfo-statement-items/v1" LF, then one line per item in order,
 * settlementId TAB kind TAB fundFen TAB accountFen TAB totalFen LF, the amounts as decimal integers. The digest of the items
 * of every chunk in index order is the digest of the whole statement, whatever the chunk size.
 */
export const itemsDigest = (items: readonly StatementLine[]): string => {
  const d = sm3Digester().update(`${STATEMENT_ITEMS_DIGEST_CONTEXT}\n`);
  let text = '';
  for (let i = 0; i < items.length; i += 1) {
    const x = items[i]!;
    text += `${x.settlementId}\t${x.kind}\t${x.fundFen}\t${x.accountFen}\t${x.totalFen}\n`;
    if ((i + 1) % DIGEST_BATCH === 0) {
      d.update(text);
      text = '';
    }
  }
  if (text) d.update(text);
  return d.hex();
};

/** Whether the chunks staged (their indexes) are every chunk the header announces. */
export const statementComplete = (chunkCount: number, staged: Iterable<number>): boolean => {
  const have = new Set<number>();
  for (const i of staged) if (i < chunkCount) have.add(i);
  return have.size === chunkCount;
};

/**
 * The statement's items from its staged chunks (any order), checked against the header: every chunk 0 … chunkCount − 1 there,
 * none beyond (left out), none twice, the item count, the digest of the items in order, and the header's advance the same as
 * its totals'. The items are returned as assembled, whatever the problems: the verifier proves them against the claims next.
 */
export const assembleStatement = <T extends StatementLine>(
  header: StatementHeaderCheck,
  chunks: readonly StagedChunk<T>[],
): { items: T[]; problems: string[] } => {
  const problems: string[] = [];
  const sorted = [...chunks].sort((a, b) => a.index - b.index);
  const items: T[] = [];
  let expected = 0;
  for (const c of sorted) {
    if (c.index >= header.chunkCount) {
      problems.push(`chunk ${c.index} is beyond the header's ${header.chunkCount} chunks: its ${c.items.length} items are left out`);
      continue;
    }
    if (c.index < expected) {
      problems.push(`chunk ${c.index} arrived twice: the second is left out`);
      continue;
    }
    for (; expected < c.index; expected += 1) problems.push(`chunk ${expected} of ${header.chunkCount} is missing`);
    expected = c.index + 1;
    for (const item of c.items) items.push(item);
  }
  for (; expected < header.chunkCount; expected += 1) problems.push(`chunk ${expected} of ${header.chunkCount} is missing`);
  if (items.length !== header.itemCount) problems.push(`the header counts ${header.itemCount} items, its chunks carry ${items.length}`);
  const digest = itemsDigest(items);
  if (digest !== header.itemsDigest) problems.push(`the items' SM3 digest is ${digest}, the header's ${header.itemsDigest}`);
  if (header.totals.advanceFen !== header.advanceFen)
    problems.push(`the header's advance is ${header.advanceFen}, its totals' ${header.totals.advanceFen}`);
  return { items, problems };
};

/**
 * The items without repeats (the first of each settlement and kind kept): what is recorded of a statement that lists an item
 * twice (its proof says so). The items themselves when none repeats.
 */
export const distinctItems = <T extends StatementLine>(items: readonly T[]): readonly T[] => {
  const seen = new Map<string, number>();
  const kept: T[] = [];
  for (const i of items) {
    const bit = i.kind === 'claim' ? 1 : 2;
    const had = seen.get(i.settlementId) ?? 0;
    if (had & bit) continue;
    seen.set(i.settlementId, had | bit);
    kept.push(i);
  }
  return kept.length === items.length ? items : kept;
};
