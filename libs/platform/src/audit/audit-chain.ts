import { createHash } from 'node:crypto';
import { stableJson } from '@guangfo/kernel';

/**
 * One audit record as hashed. `seq` is the row's identity (given at insert, in insert order, with
 * gaps where a transaction rolled back); `at` is the ISO-8601 UTC instant.
 */
export interface AuditRecord {
  seq: number;
  at: string;
  actor: string;
  action: string;
  resource: string;
  outcome: string;
  detail: Record<string, unknown>;
  correlationId: string | null;
}

/** A chained record: `pos` is its place in the chain (1, 2, 3… with no gap), given by the chainer. */
export interface ChainedRecord extends AuditRecord {
  pos: number;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** hash_n = SM3(hash_{n-1} || canonical JSON of record n), n being the chain position. */
export const chainHash = (prevHash: string, record: AuditRecord): string =>
  createHash('sm3').update(prevHash).update('\n').update(stableJson(record)).digest('hex');

export type ChainVerdict =
  { ok: true; count: number; head: string } | { ok: false; count: number; brokenAtPos: number; brokenAtSeq: number; reason: string };

/**
 * Walks chained records in chain order (`pos` ascending), one at a time, and stops at the first
 * broken link: a position gap (a record removed, or one inserted with a made-up position), a
 * `prev_hash` that is not the previous record's hash (a record removed, inserted or relinked), or a
 * hash that does not match the record's content (a record changed).
 */
export class ChainWalker {
  private prev = GENESIS_HASH;
  private count = 0;
  private broken?: Extract<ChainVerdict, { ok: false }>;

  /** Adds the next record; false once the chain is broken (the rest need not be read). */
  push(r: ChainedRecord): boolean {
    if (this.broken) return false;
    const expectedPos = this.count + 1;
    const fail = (reason: string) => {
      this.broken = { ok: false, count: this.count, brokenAtPos: r.pos, brokenAtSeq: r.seq, reason };
      return false;
    };
    if (r.pos !== expectedPos) return fail(`chain position gap: expected ${expectedPos}, found ${r.pos}`);
    if (r.prevHash !== this.prev) return fail('prev_hash does not match the previous record');
    const { pos: _pos, prevHash: _prev, hash, ...record } = r;
    if (chainHash(this.prev, record) !== hash) return fail('hash does not match the record content');
    this.prev = hash;
    this.count += 1;
    return true;
  }

  verdict(): ChainVerdict {
    return this.broken ?? { ok: true, count: this.count, head: this.prev };
  }
}

/** Walks records in chain order and reports the first broken link. */
export const verifyChain = (rows: Iterable<ChainedRecord>): ChainVerdict => {
  const walker = new ChainWalker();
  for (const r of rows) if (!walker.push(r)) break;
  return walker.verdict();
};
