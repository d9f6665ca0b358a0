import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Employers' partner systems: which 统一社会信用代码 an API key reports contributions for (bound by the city's admin). */
export class SocialInsuranceEmployers1796947200000 implements MigrationInterface {
  name = 'SocialInsuranceEmployers1796947200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE social_insurance.employer_binding (
        partner_id    text PRIMARY KEY,
        employer_uscc text NOT NULL,
        name          text NOT NULL,
        bound_by      text NOT NULL,
        bound_at      timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE social_insurance.employer_binding`);
  }
}
