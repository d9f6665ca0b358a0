import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 工伤认定 cases (in the employer's city) and credentials accepted from other cities (工伤认定结论书, 社会保障卡). */
export class SocialInsuranceWorkInjury1796774400000 implements MigrationInterface {
  name = 'SocialInsuranceWorkInjury1796774400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE social_insurance.work_injury_case (
        id                uuid PRIMARY KEY,
        person_id         uuid NOT NULL REFERENCES social_insurance.person(id),
        employer_uscc     text NOT NULL,
        injury_date       date NOT NULL,
        applicant         text NOT NULL CHECK (applicant IN ('employer', 'worker')),
        accepted_on       date NOT NULL,
        clear_facts       boolean NOT NULL,
        due_on            date NOT NULL,
        state             text NOT NULL CHECK (state IN ('accepted', 'decided')),
        outcome           text,
        credential_id     uuid,
        credential_number text,
        decided_on        date,
        filed_by          text NOT NULL,
        version           int NOT NULL DEFAULT 1,
        created_at        timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE social_insurance.credential_acceptance (
        id              uuid PRIMARY KEY,
        purpose         text NOT NULL CHECK (purpose IN ('work-injury', 'social-security-card')),
        credential_id   uuid,
        credential_type text,
        issuer_city     text,
        person_id       uuid REFERENCES social_insurance.person(id),
        valid           boolean NOT NULL,
        reasons         text[] NOT NULL,
        accepted_by     text NOT NULL,
        accepted_at     timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE social_insurance.credential_acceptance`);
    await q.query(`DROP TABLE social_insurance.work_injury_case`);
  }
}
