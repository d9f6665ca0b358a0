import type { AuditRecord } from './audit-chain.js';

/** A row of `platform.audit_log`; `pos`, `prev_hash` and `hash` are null until the chainer links it. */
export interface AuditRow {
  seq: string;
  at: Date;
  actor: string;
  action: string;
  resource: string;
  outcome: string;
  detail: Record<string, unknown>;
  correlation_id: string | null;
  pos: string | null;
  prev_hash: string | null;
  hash: string | null;
}

/** The columns of an audit row, in the order the chainer and the verifier read them. */
export const AUDIT_COLUMNS = 'seq, at, actor, action, resource, outcome, detail, correlation_id, pos, prev_hash, hash';

/** The record as hashed (what the chain covers), read back from the stored row. */
export const recordOf = (r: AuditRow): AuditRecord => ({
  seq: Number(r.seq),
  at: r.at.toISOString(),
  actor: r.actor,
  action: r.action,
  resource: r.resource,
  outcome: r.outcome,
  detail: r.detail,
  correlationId: r.correlation_id,
});
