import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Correlation } from '../observability/correlation.js';
import { type AuditRecord, type ChainVerdict, chainHash, GENESIS_HASH, verifyChain } from './audit-chain.js';

export interface AuditEntry {
  /** `resident:<sub>`, `clerk:<sub>`, `partner:<id>`, `city:<code>` or `system`. Never a raw ID number. */
  actor: string;
  action: string;
  resource: string;
  outcome: 'success' | 'denied' | 'rejected' | 'failed';
  detail?: Record<string, unknown>;
}

const AUDIT_LOCK = 7_440_100_001;

/**
 * Append-only, hash-chained audit log of writes and of reads of personal data.
 * Appends serialise on a transaction-scoped advisory lock so the chain has one order.
 */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends inside the caller's transaction when given one, so the record commits with the change. */
  async record(entry: AuditEntry, em?: EntityManager): Promise<void> {
    if (em) return this.append(em, entry);
    await this.dataSource.transaction((tx) => this.append(tx, entry));
  }

  private async append(em: EntityManager, entry: AuditEntry): Promise<void> {
    await em.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
    const last = (await em.query('SELECT seq, hash FROM platform.audit_log ORDER BY seq DESC LIMIT 1')) as { seq: string; hash: string }[];
    const record: AuditRecord = {
      seq: last.length ? Number(last[0].seq) + 1 : 1,
      at: new Date().toISOString(),
      actor: entry.actor,
      action: entry.action,
      resource: entry.resource,
      outcome: entry.outcome,
      detail: entry.detail ?? {},
      correlationId: Correlation.id() ?? null,
    };
    const prevHash = last.length ? last[0].hash : GENESIS_HASH;
    const hash = chainHash(prevHash, record);
    await em.query(
      `INSERT INTO platform.audit_log (seq, at, actor, action, resource, outcome, detail, correlation_id, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [record.seq, record.at, record.actor, record.action, record.resource, record.outcome, JSON.stringify(record.detail), record.correlationId, prevHash, hash],
    );
  }

  async find(filter: { action?: string; limit?: number }): Promise<(AuditRecord & { hash: string })[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM platform.audit_log WHERE ($1::text IS NULL OR action = $1) ORDER BY seq DESC LIMIT $2`,
      [filter.action ?? null, filter.limit ?? 100],
    )) as AuditRow[];
    return rows.map(fromRow);
  }

  verify(): Promise<ChainVerdict> {
    return verifyAuditChain(this.dataSource);
  }
}

interface AuditRow {
  seq: string; at: Date; actor: string; action: string; resource: string; outcome: string;
  detail: Record<string, unknown>; correlation_id: string | null; prev_hash: string; hash: string;
}

const fromRow = (r: AuditRow): AuditRecord & { prevHash: string; hash: string } => ({
  seq: Number(r.seq),
  at: r.at.toISOString(),
  actor: r.actor,
  action: r.action,
  resource: r.resource,
  outcome: r.outcome,
  detail: r.detail,
  correlationId: r.correlation_id,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/** Verifies the whole chain in pages, for the `audit:verify` command and the admin API. */
export const verifyAuditChain = async (ds: DataSource, pageSize = 5000): Promise<ChainVerdict> => {
  const pages = async function* () {
    let after = 0;
    for (;;) {
      const rows = (await ds.query('SELECT * FROM platform.audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [after, pageSize])) as AuditRow[];
      if (!rows.length) return;
      for (const r of rows) yield fromRow(r);
      after = Number(rows[rows.length - 1].seq);
    }
  };
  const all: (AuditRecord & { prevHash: string; hash: string })[] = [];
  for await (const r of pages()) all.push(r);
  return verifyChain(all);
};
