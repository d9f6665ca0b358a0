import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The Idempotency-Keys of POST /cases move to platform.idempotency_key (scope `affairs.file-case`); affairs.idempotency_key goes. */
export class AffairsIdempotency1796342400001 implements MigrationInterface {
  name = 'AffairsIdempotency1796342400001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      INSERT INTO platform.idempotency_key (scope, caller, key, request_hash, resource_id, created_at)
      SELECT 'affairs.file-case', actor, key, request_hash, case_id::text, created_at FROM affairs.idempotency_key
      ON CONFLICT DO NOTHING`);
    await q.query(`DROP TABLE affairs.idempotency_key`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE affairs.idempotency_key (
        actor        text NOT NULL,
        key          text NOT NULL,
        request_hash text NOT NULL,
        case_id      uuid NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (actor, key)
      )`);
    await q.query(`
      INSERT INTO affairs.idempotency_key (actor, key, request_hash, case_id, created_at)
      SELECT caller, key, request_hash, resource_id::uuid, created_at FROM platform.idempotency_key WHERE scope = 'affairs.file-case'`);
    await q.query(`DELETE FROM platform.idempotency_key WHERE scope = 'affairs.file-case'`);
  }
}
