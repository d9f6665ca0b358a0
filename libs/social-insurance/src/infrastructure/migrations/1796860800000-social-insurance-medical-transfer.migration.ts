import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 基本医疗保险关系转移接续: one row per transfer in each of the two cities (the same id). */
export class SocialInsuranceMedicalTransfer1796860800000 implements MigrationInterface {
  name = 'SocialInsuranceMedicalTransfer1796860800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE social_insurance.medical_transfer (
        id              uuid PRIMARY KEY,
        person_id       uuid NOT NULL REFERENCES social_insurance.person(id),
        from_city       text NOT NULL,
        to_city         text NOT NULL,
        entries         jsonb NOT NULL,
        insured_months  int,
        last_paid_month text,
        gap             jsonb,
        version         int NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE social_insurance.medical_transfer`);
  }
}
