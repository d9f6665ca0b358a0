import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One table for the Idempotency-Key of every operation that takes one (see
 * idempotency/idempotency.ts): per (scope, caller, key), the request body's hash and the resource
 * the first request created. The domains' migrations that follow move their earlier keys here.
 */
export class IdempotencyKeys1796342400000 implements MigrationInterface {
  name = 'IdempotencyKeys1796342400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE platform.idempotency_key (
        scope        text NOT NULL,
        caller       text NOT NULL,
        key          text NOT NULL,
        request_hash text NOT NULL,
        resource_id  text NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, caller, key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE platform.idempotency_key`);
  }
}
