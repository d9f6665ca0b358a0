import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Cross-checks (数据比对) on keyed hashes: civil records (deaths, prison terms) registered here, checks sent and answered, joint investigations, the schedule. */
export class SocialInsuranceCrossChecks1796688000000 implements MigrationInterface {
  name = 'SocialInsuranceCrossChecks1796688000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE social_insurance.civil_record (
        id          uuid PRIMARY KEY,
        person_id   uuid NOT NULL REFERENCES social_insurance.person(id),
        source      text NOT NULL CHECK (source IN ('death-records', 'prison-records')),
        event_date  date NOT NULL,
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL,
        UNIQUE (person_id, source, event_date)
      )`);
    await q.query(`
      CREATE TABLE social_insurance.cross_check (
        id          uuid PRIMARY KEY,
        other_city  text NOT NULL,
        key_id      text NOT NULL,
        hash_count  int NOT NULL,
        trigger     text NOT NULL CHECK (trigger IN ('on-demand', 'schedule')),
        requested_by text NOT NULL,
        state       text NOT NULL CHECK (state IN ('sent', 'answered', 'refused')),
        hits        int,
        created_at  timestamptz NOT NULL,
        answered_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE social_insurance.investigation (
        id          uuid PRIMARY KEY,
        check_id    uuid NOT NULL,
        side        text NOT NULL CHECK (side IN ('paying', 'registry')),
        other_city  text NOT NULL,
        key_id      text NOT NULL,
        hash        text NOT NULL,
        source      text NOT NULL,
        event_date  date NOT NULL,
        person_id   uuid REFERENCES social_insurance.person(id),
        state       text NOT NULL DEFAULT 'open',
        created_at  timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE social_insurance.cross_check_schedule (
        other_city  text PRIMARY KEY,
        next_run_at timestamptz NOT NULL,
        last_check  uuid,
        lease_owner text,
        lease_until timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['cross_check_schedule', 'investigation', 'cross_check', 'civil_record'])
      await q.query(`DROP TABLE social_insurance.${t}`);
  }
}
