import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Returning unused allowances (domain/allowance.ts): the treating city's cumulative `returned_fen` per allowance row (what
 * it gave back can no longer be spent: consumed + returned ≤ granted), and the insured city's record of each city's
 * cumulative return per grant (never above the grant).
 */
export class MedicalAllowanceReturns1797465600000 implements MigrationInterface {
  name = 'MedicalAllowanceReturns1797465600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE medical.allowance ADD COLUMN returned_fen bigint NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE medical.allowance DROP CONSTRAINT allowance_check`);
    await q.query(
      `ALTER TABLE medical.allowance ADD CONSTRAINT allowance_within_grant
         CHECK (consumed_fen >= 0 AND returned_fen >= 0 AND consumed_fen + returned_fen <= granted_fen)`,
    );
    await q.query(`ALTER TABLE medical.cap_grant ADD COLUMN returned_fen bigint NOT NULL DEFAULT 0`);
    await q.query(
      `ALTER TABLE medical.cap_grant ADD CONSTRAINT cap_grant_return_within_grant CHECK (returned_fen >= 0 AND returned_fen <= granted_fen)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE medical.cap_grant DROP CONSTRAINT cap_grant_return_within_grant`);
    await q.query(`ALTER TABLE medical.cap_grant DROP COLUMN returned_fen`);
    await q.query(`ALTER TABLE medical.allowance DROP CONSTRAINT allowance_within_grant`);
    await q.query(`ALTER TABLE medical.allowance DROP COLUMN returned_fen`);
    await q.query(`ALTER TABLE medical.allowance ADD CONSTRAINT allowance_check CHECK (consumed_fen >= 0 AND consumed_fen <= granted_fen)`);
  }
}
