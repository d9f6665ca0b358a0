import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Year-ahead grants: the insured city's schedule row (the LeaseWorker's table) and the index its sweep reads 备案 by. */
export class MedicalYearAheadGrants1797379200000 implements MigrationInterface {
  name = 'MedicalYearAheadGrants1797379200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE medical.grant_schedule (
        job          text PRIMARY KEY,
        next_run_at  timestamptz NOT NULL,
        last_year    int,
        last_count   int,
        last_run_at  timestamptz,
        lease_owner  text,
        lease_until  timestamptz
      )`);
    await q.query(`CREATE INDEX filing_own_person ON medical.filing (person_id, treating_city) WHERE origin = 'own'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX medical.filing_own_person`);
    await q.query(`DROP TABLE medical.grant_schedule`);
  }
}
