import type { MigrationInterface, QueryRunner } from 'typeorm';

const LEASED = ['platform.outbox', 'platform.webhook_delivery', 'platform.file_replication'];

/**
 * One claim strategy for background work (`LeaseWorker`): a row is leased to a worker
 * (`lease_owner`) until `lease_until`, acted on outside any transaction, then settled. The outbox
 * relay also needs the earliest unsent row of each subject quickly (per-subject order).
 */
export class WorkerLeases1796342400000 implements MigrationInterface {
  name = 'WorkerLeases1796342400000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of LEASED) await q.query(`ALTER TABLE ${table} ADD COLUMN lease_owner text, ADD COLUMN lease_until timestamptz`);
    await q.query(`CREATE INDEX outbox_pending_subject_idx ON platform.outbox (subject, seq) WHERE sent_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX platform.outbox_pending_subject_idx`);
    for (const table of LEASED) await q.query(`ALTER TABLE ${table} DROP COLUMN lease_owner, DROP COLUMN lease_until`);
  }
}
