import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Clearing statements get a version (the ETag; If-Match on contest, answer, confirm), bumped by every change to this city's
 * copy; indexes for the cursor-paged lists (statements by period, 备案 by registration time, settlements by hospital).
 */
export class MedicalVersionsLists1797120000000 implements MigrationInterface {
  name = 'MedicalVersionsLists1797120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE medical.statement ADD COLUMN version int NOT NULL DEFAULT 1`);
    await q.query(`CREATE INDEX statement_list ON medical.statement (period DESC, id)`);
    await q.query(`CREATE INDEX filing_list ON medical.filing (recorded_at DESC, id)`);
    await q.query(`CREATE INDEX settlement_hospital_list ON medical.settlement (hospital_code, settled_on DESC, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX medical.settlement_hospital_list`);
    await q.query(`DROP INDEX medical.filing_list`);
    await q.query(`DROP INDEX medical.statement_list`);
    await q.query(`ALTER TABLE medical.statement DROP COLUMN version`);
  }
}
