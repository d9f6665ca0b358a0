import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `social_insurance`: persons (ID numbers sealed at rest, looked up by a keyed index),
 * contribution months, record requests and the answers of other cities, pension claims, refunds of
 * duplicate months, cross-province transfers with their fund records, retirees paid here, their
 * payments and recoveries. Money is bigint fen.
 */
export class SocialInsuranceInit1796601600001 implements MigrationInterface {
  name = 'SocialInsuranceInit1796601600001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS social_insurance`);
    await q.query(`
      CREATE TABLE social_insurance.person (
        id          uuid PRIMARY KEY,
        person_key  text NOT NULL UNIQUE,
        id_cipher   text NOT NULL,
        name_cipher text,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE social_insurance.contribution (
        person_id            uuid NOT NULL REFERENCES social_insurance.person(id),
        scheme               text NOT NULL,
        month                text NOT NULL,
        employer_uscc        text NOT NULL,
        base_fen             bigint NOT NULL CHECK (base_fen >= 0),
        employer_fen         bigint NOT NULL CHECK (employer_fen >= 0),
        personal_fen         bigint NOT NULL CHECK (personal_fen >= 0),
        personal_account_fen bigint NOT NULL CHECK (personal_account_fen >= 0),
        refunded_by          uuid,
        reported_by          text NOT NULL,
        reported_at          timestamptz NOT NULL,
        PRIMARY KEY (person_id, scheme, month)
      )`);
    await q.query(`
      CREATE TABLE social_insurance.record_request (
        id           uuid PRIMARY KEY,
        person_id    uuid NOT NULL REFERENCES social_insurance.person(id),
        purpose      text NOT NULL,
        case_id      uuid,
        requested_by text NOT NULL,
        owner_sub    text,
        consent      jsonb NOT NULL,
        asked_cities text[] NOT NULL,
        created_at   timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE social_insurance.record_answer (
        request_id    uuid NOT NULL REFERENCES social_insurance.record_request(id),
        city          text NOT NULL,
        months_cipher text NOT NULL,
        month_count   int NOT NULL,
        received_at   timestamptz NOT NULL,
        PRIMARY KEY (request_id, city)
      )`);
    await q.query(`
      CREATE TABLE social_insurance.pension_claim (
        id           uuid PRIMARY KEY,
        person_id    uuid NOT NULL REFERENCES social_insurance.person(id),
        request_id   uuid NOT NULL REFERENCES social_insurance.record_request(id),
        hukou_region text NOT NULL,
        state        text NOT NULL,
        result       jsonb,
        filed_by     text NOT NULL,
        owner_sub    text,
        version      int NOT NULL DEFAULT 1,
        created_at   timestamptz NOT NULL,
        updated_at   timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE social_insurance.refund (
        id          uuid PRIMARY KEY,
        case_id     uuid NOT NULL,
        person_id   uuid NOT NULL REFERENCES social_insurance.person(id),
        direction   text NOT NULL CHECK (direction IN ('requested', 'paid')),
        other_city  text NOT NULL,
        months      text[] NOT NULL,
        lines       jsonb,
        already     text[],
        refund_fen  bigint CHECK (refund_fen >= 0),
        state       text NOT NULL,
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE social_insurance.transfer (
        id                uuid PRIMARY KEY,
        person_id         uuid NOT NULL REFERENCES social_insurance.person(id),
        from_city         text NOT NULL,
        to_city           text NOT NULL,
        certificate_no    text NOT NULL,
        temporary_account boolean NOT NULL,
        entries           jsonb NOT NULL,
        amounts           jsonb,
        refund            jsonb,
        months_cipher     text,
        received_fen      bigint,
        owner_sub         text,
        version           int NOT NULL DEFAULT 1,
        created_at        timestamptz NOT NULL,
        updated_at        timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE social_insurance.fund_transfer (
        reference   text NOT NULL,
        transfer_id uuid NOT NULL REFERENCES social_insurance.transfer(id),
        direction   text NOT NULL CHECK (direction IN ('out', 'in')),
        from_city   text NOT NULL,
        to_city     text NOT NULL,
        personal_account_fen bigint NOT NULL CHECK (personal_account_fen >= 0),
        pooled_fen  bigint NOT NULL CHECK (pooled_fen >= 0),
        amount_fen  bigint NOT NULL CHECK (amount_fen >= 0),
        booked_at   timestamptz NOT NULL,
        PRIMARY KEY (reference, direction)
      )`);
    await q.query(`
      CREATE TABLE social_insurance.retiree (
        id                  uuid PRIMARY KEY,
        person_id           uuid NOT NULL UNIQUE REFERENCES social_insurance.person(id),
        residence_city      text NOT NULL,
        monthly_pension_fen bigint NOT NULL CHECK (monthly_pension_fen >= 0),
        first_month         text NOT NULL,
        last_confirmed_on   date NOT NULL,
        stop_kind           text,
        stop_event_date     date,
        version             int NOT NULL DEFAULT 1,
        created_at          timestamptz NOT NULL,
        updated_at          timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE social_insurance.pension_payment (
        retiree_id uuid NOT NULL REFERENCES social_insurance.retiree(id),
        month      text NOT NULL,
        amount_fen bigint NOT NULL CHECK (amount_fen >= 0),
        kind       text NOT NULL,
        run_month  text NOT NULL,
        paid_at    timestamptz NOT NULL,
        recovered_by uuid,
        PRIMARY KEY (retiree_id, month)
      )`);
    await q.query(`
      CREATE TABLE social_insurance.recovery (
        id         uuid PRIMARY KEY,
        retiree_id uuid NOT NULL REFERENCES social_insurance.retiree(id),
        notice_id  uuid NOT NULL UNIQUE,
        reason     text NOT NULL,
        months     text[] NOT NULL,
        amount_fen bigint NOT NULL CHECK (amount_fen >= 0),
        created_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE social_insurance.life_notice (
        id             uuid PRIMARY KEY,
        direction      text NOT NULL CHECK (direction IN ('sent', 'received')),
        kind           text NOT NULL,
        other_city     text NOT NULL,
        person_id      uuid NOT NULL REFERENCES social_insurance.person(id),
        event_date     date NOT NULL,
        method         text,
        created_by     text NOT NULL,
        created_at     timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA social_insurance CASCADE`);
  }
}
