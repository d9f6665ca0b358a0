import { createHash } from 'node:crypto';
import { stableJson } from '@guangfo/kernel';

/** One audit record as hashed. `at` is the ISO-8601 UTC instant. */
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

export const GENESIS_HASH = '0'.repeat(64);

/** hash_n = SM3(hash_{n-1} || canonical JSON of record n). */
export const chainHash = (prevHash: string, record: AuditRecord): string =>
  createHash('sm3').update(prevHash).update('\n').update(stableJson(record)).digest('hex');

export type ChainVerdict =
  | { ok: true; count: number; head: string }
  | { ok: false; count: number; brokenAtSeq: number; reason: string };

/** Walks records in sequence order and reports the first broken link. */
export const verifyChain = (rows: Iterable<AuditRecord & { prevHash: string; hash: string }>): ChainVerdict => {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  for (const r of rows) {
    if (r.seq !== expectedSeq) return { ok: false, count, brokenAtSeq: r.seq, reason: `sequence gap: expected ${expectedSeq}, found ${r.seq}` };
    if (r.prevHash !== prev) return { ok: false, count, brokenAtSeq: r.seq, reason: 'prev_hash does not match the previous record' };
    const { prevHash: _p, hash, ...record } = r;
    if (chainHash(prev, record) !== hash) return { ok: false, count, brokenAtSeq: r.seq, reason: 'hash does not match the record content' };
    prev = hash;
    expectedSeq += 1;
    count += 1;
  }
  return { ok: true, count, head: prev };
};
