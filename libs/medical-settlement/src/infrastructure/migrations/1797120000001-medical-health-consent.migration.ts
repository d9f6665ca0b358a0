import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 电子健康档案 summaries shared under the patient's consent. At the patient's city: the summary (sealed), consents per hospital
 * and purpose with an expiry, and the patient-visible access log. At the hospital's city: its requests and the summaries
 * received (sealed at rest).
 */
export class MedicalHealthConsent1797120000001 implements MigrationInterface {
  name = 'MedicalHealthConsent1797120000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE medical.health_record (
        person_id       uuid PRIMARY KEY REFERENCES medical.person (id),
        summary_sealed  text NOT NULL,
        updated_on      date NOT NULL,
        updated_by      text NOT NULL,
        updated_at      timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE medical.health_consent (
        id             uuid PRIMARY KEY,
        person_id      uuid NOT NULL REFERENCES medical.person (id),
        hospital_city  text NOT NULL,
        hospital_code  text NOT NULL,
        purpose        text NOT NULL,
        expires_at     timestamptz NOT NULL,
        granted_at     timestamptz NOT NULL,
        revoked_at     timestamptz,
        CHECK (expires_at > granted_at)
      )`);
    await q.query(`CREATE INDEX health_consent_person ON medical.health_consent (person_id, hospital_city, hospital_code, purpose)`);
    await q.query(`
      CREATE TABLE medical.health_access (
        id             uuid PRIMARY KEY,
        request_id     uuid NOT NULL UNIQUE,
        person_id      uuid REFERENCES medical.person (id),
        hospital_city  text NOT NULL,
        hospital_code  text NOT NULL,
        hospital_name  text NOT NULL,
        purpose        text NOT NULL,
        outcome        text NOT NULL CHECK (outcome IN ('shared', 'refused')),
        refusal        text,
        consent_id     uuid,
        at             timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX health_access_person ON medical.health_access (person_id, at DESC)`);
    await q.query(`
      CREATE TABLE medical.health_request (
        id                  uuid PRIMARY KEY,
        hospital_code       text NOT NULL,
        patient_city        text NOT NULL,
        purpose             text NOT NULL,
        state               text NOT NULL CHECK (state IN ('pending', 'shared', 'refused')),
        refusal             text,
        summary_sealed      text,
        consent_expires_at  timestamptz,
        requested_at        timestamptz NOT NULL,
        answered_at         timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE medical.health_request`);
    await q.query(`DROP TABLE medical.health_access`);
    await q.query(`DROP TABLE medical.health_consent`);
    await q.query(`DROP TABLE medical.health_record`);
  }
}
