import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Idempotency-Keys of POST /credentials move from columns of credentials.credential to
 * platform.idempotency_key (scope `credentials.issue`, caller = issued_by, resource = credential id).
 */
export class CredentialsIdempotency1796342400002 implements MigrationInterface {
  name = 'CredentialsIdempotency1796342400002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      INSERT INTO platform.idempotency_key (scope, caller, key, request_hash, resource_id, created_at)
      SELECT 'credentials.issue', issued_by, idempotency_key, request_hash, id::text, created_at FROM credentials.credential
       WHERE idempotency_key IS NOT NULL AND request_hash IS NOT NULL
      ON CONFLICT DO NOTHING`);
    await q.query(`ALTER TABLE credentials.credential DROP COLUMN idempotency_key, DROP COLUMN request_hash`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE credentials.credential ADD COLUMN idempotency_key text, ADD COLUMN request_hash text, ADD UNIQUE (issued_by, idempotency_key)`,
    );
    await q.query(`
      UPDATE credentials.credential c SET idempotency_key = k.key, request_hash = k.request_hash
        FROM platform.idempotency_key k WHERE k.scope = 'credentials.issue' AND k.resource_id = c.id::text AND k.caller = c.issued_by`);
    await q.query(`DELETE FROM platform.idempotency_key WHERE scope = 'credentials.issue'`);
  }
}
