import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A partner API key may be bound to one issuing body (统一社会信用代码): the body it issues credentials for. */
export class ApiKeyIssuingBody1764806400000 implements MigrationInterface {
  name = 'ApiKeyIssuingBody1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE platform.api_key ADD COLUMN issuing_body_code text CHECK (issuing_body_code ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE platform.api_key DROP COLUMN issuing_body_code`);
  }
}
