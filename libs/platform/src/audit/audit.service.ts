import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Correlation } from '../observability/correlation.js';
import { type AuditRecord, type ChainedRecord, type ChainVerdict, ChainWalker } from './audit-chain.js';
import { AUDIT_COLUMNS, type AuditRow, recordOf } from './audit-row.js';
import { insertPart, prepared, runSql } from '../database/query-rows.js';

/**
 * One append: its own statement (prepared on each connection: every audited request runs it), or a CTE riding in a hot
 * path's write statement (`AUDIT_APPEND.cte(name, first)` with `auditParams(entry)`), in the caller's transaction either way.
 */
export const AUDIT_APPEND = insertPart('platform.audit_log', ['at', 'actor', 'action', 'resource', 'outcome', 'detail', 'correlation_id']);
const AUDIT_INSERT = prepared(AUDIT_APPEND.sql(1));

export interface AuditEntry {
  /** `resident:<sub>`, `clerk:<sub>`, `partner:<id>`, `city:<code>` or `system`. Never a raw ID number. */
  actor: string;
  action: string;
  resource: string;
  outcome: 'success' | 'denied' | 'rejected' | 'failed';
  detail?: Record<string, unknown>;
}

/** The values of an audit record's row, in `AUDIT_APPEND`'s column order (stamped now, with the request's correlation id). */
export const auditParams = (entry: AuditEntry): unknown[] => [
  new Date().toISOString(),
  entry.actor,
  entry.action,
  entry.resource,
  entry.outcome,
  JSON.stringify(entry.detail ?? {}),
  Correlation.id() ?? null,
];

/**
 * Append-only, hash-chained audit log of writes and of reads of personal data.
 * An append is one INSERT in the caller's transaction — no lock, no read — so audited requests run
 * side by side; `AuditChainer` links committed records into the hash chain in the background.
 */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends inside the caller's transaction when given one, so the record commits (or rolls back) with the change. */
  async record(entry: AuditEntry, em?: EntityManager): Promise<void> {
    await runSql(em ?? this.dataSource, AUDIT_INSERT, auditParams(entry));
  }

  /** The latest records (by `seq`, newest first); `hash` is null for a record not linked yet. */
  async find(filter: { action?: string; limit?: number }): Promise<(AuditRecord & { hash: string | null })[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${AUDIT_COLUMNS} FROM platform.audit_log WHERE ($1::text IS NULL OR action = $1) ORDER BY seq DESC LIMIT $2`,
      [filter.action ?? null, filter.limit ?? 100],
    )) as AuditRow[];
    return rows.map((r) => ({ ...recordOf(r), hash: r.hash }));
  }

  verify(options?: AuditVerifyOptions): Promise<AuditChainReport> {
    return verifyAuditChain(this.dataSource, options);
  }
}

/** Records committed but not yet linked by the chainer (the tail), which the chain cannot vouch for yet. */
export interface UnchainedTail {
  count: number;
  /** The oldest unlinked record (by `at`), if any. */
  oldestSeq: number | null;
  oldestAt: string | null;
  /** Age of the oldest unlinked record (database clock minus its `at`). */
  oldestAgeMs: number | null;
  /** The oldest unlinked record is older than `staleAfterMs`: the chainer is not running or not keeping up. */
  stale: boolean;
}

export type AuditChainReport = ChainVerdict & { unchained: UnchainedTail };

export interface AuditVerifyOptions {
  /** Records read per query. Default 5000. */
  pageSize?: number;
  /** An unlinked record older than this is flagged (`unchained.stale`). Default 5 minutes. */
  staleAfterMs?: number;
}

export const AUDIT_STALE_AFTER_MS = 5 * 60_000;

const chained = (r: AuditRow): ChainedRecord => ({ ...recordOf(r), pos: Number(r.pos), prevHash: r.prev_hash ?? '', hash: r.hash ?? '' });

/**
 * Verifies the chained records in chain order, in pages, and reports the unlinked tail separately —
 * in one REPEATABLE READ snapshot, so a record the chainer links meanwhile is counted once. For the
 * `audit:verify` command and `AuditService.verify`.
 */
export const verifyAuditChain = (ds: DataSource, options: AuditVerifyOptions = {}): Promise<AuditChainReport> => {
  const pageSize = options.pageSize ?? 5000;
  const staleAfterMs = options.staleAfterMs ?? AUDIT_STALE_AFTER_MS;
  return ds.transaction('REPEATABLE READ', async (em) => {
    const walker = new ChainWalker();
    let after = 0;
    for (;;) {
      const rows = (await em.query(`SELECT ${AUDIT_COLUMNS} FROM platform.audit_log WHERE pos > $1 ORDER BY pos LIMIT $2`, [
        after,
        pageSize,
      ])) as AuditRow[];
      if (!rows.length || !rows.every((r) => walker.push(chained(r)))) break;
      after = Number(rows[rows.length - 1]!.pos);
    }
    const [tail] = (await em.query(
      `SELECT (SELECT count(*) FROM platform.audit_log WHERE pos IS NULL)::int AS count, o.seq, o.at,
              (EXTRACT(EPOCH FROM (now() - o.at)) * 1000)::float8 AS age_ms
         FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT seq, at FROM platform.audit_log WHERE pos IS NULL ORDER BY at, seq LIMIT 1) o ON true`,
    )) as { count: number; seq: string | null; at: Date | null; age_ms: number | null }[];
    const unchained: UnchainedTail = {
      count: tail!.count,
      oldestSeq: tail!.seq === null ? null : Number(tail!.seq),
      oldestAt: tail!.at?.toISOString() ?? null,
      oldestAgeMs: tail!.age_ms,
      stale: tail!.age_ms !== null && tail!.age_ms > staleAfterMs,
    };
    return { ...walker.verdict(), unchained };
  });
};
