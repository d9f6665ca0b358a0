import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `affairs`: each city's copy of the 跨城通办 cases it takes part in, their timelines,
 * entries received early (buffered until the gap is filled), withdrawal requests, clerk notes
 * (never replicated), idempotency keys, 好差评 ratings and remediation tasks.
 */
export class AffairsInit1764547200000 implements MigrationInterface {
  name = 'AffairsInit1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS affairs`);
    await q.query(`
      CREATE TABLE affairs.case (
        id                  uuid PRIMARY KEY,
        item_code           text NOT NULL,
        mode                text NOT NULL CHECK (mode IN ('online', 'proxy', 'joint')),
        channel             text NOT NULL,
        applicant_city      text NOT NULL,
        receiving_city      text NOT NULL,
        administering_city  text NOT NULL,
        origin_city         text NOT NULL,
        participants        text[] NOT NULL,
        applicant_sub       text,
        applicant_name      text NOT NULL,
        applicant_id_masked text NOT NULL,
        applicant_id_cipher text NOT NULL,
        aggregate           jsonb NOT NULL,
        state               text NOT NULL,
        version             integer NOT NULL CHECK (version >= 1),
        holder_city         text,
        outcome             text,
        due_date            date,
        filed_at            timestamptz NOT NULL,
        updated_at          timestamptz NOT NULL,
        local_hall          text,
        claimed_by          text,
        claimed_hall        text,
        claim_expires_at    timestamptz
      )`);
    await q.query(`CREATE INDEX case_queue_idx ON affairs.case ((COALESCE(due_date, DATE '9999-12-31')), id)`);
    await q.query(`CREATE INDEX case_state_idx ON affairs.case (state)`);
    await q.query(`CREATE INDEX case_applicant_idx ON affairs.case (applicant_sub) WHERE applicant_sub IS NOT NULL`);
    await q.query(`CREATE INDEX case_item_idx ON affairs.case (item_code)`);
    await q.query(`
      CREATE TABLE affairs.timeline_entry (
        case_id     uuid NOT NULL REFERENCES affairs.case (id),
        seq         integer NOT NULL CHECK (seq >= 1),
        kind        text NOT NULL,
        author_city text NOT NULL,
        at          timestamptz NOT NULL,
        entry       jsonb NOT NULL,
        PRIMARY KEY (case_id, seq)
      )`);
    await q.query(`
      CREATE TABLE affairs.pending_entry (
        case_id     uuid NOT NULL,
        seq         integer NOT NULL,
        author_city text NOT NULL,
        event_id    uuid NOT NULL,
        payload     jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (case_id, seq)
      )`);
    await q.query(`
      CREATE TABLE affairs.case_request (
        id            uuid PRIMARY KEY,
        case_id       uuid NOT NULL,
        kind          text NOT NULL CHECK (kind IN ('withdraw')),
        origin_city   text NOT NULL,
        status        text NOT NULL CHECK (status IN ('pending', 'applied', 'refused', 'superseded')),
        payload       jsonb NOT NULL,
        created_at    timestamptz NOT NULL,
        resolved_at   timestamptz,
        resolved_seq  integer
      )`);
    await q.query(`CREATE INDEX case_request_pending_idx ON affairs.case_request (case_id, created_at) WHERE status = 'pending'`);
    await q.query(`
      CREATE TABLE affairs.case_note (
        id       bigserial PRIMARY KEY,
        case_id  uuid NOT NULL REFERENCES affairs.case (id),
        seq      integer,
        author   text NOT NULL,
        hall     text,
        text     text NOT NULL,
        at       timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX case_note_case_idx ON affairs.case_note (case_id, id)`);
    await q.query(`
      CREATE TABLE affairs.idempotency_key (
        actor        text NOT NULL,
        key          text NOT NULL,
        request_hash text NOT NULL,
        case_id      uuid NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (actor, key)
      )`);
    await q.query(`
      CREATE TABLE affairs.evaluation (
        case_id      uuid PRIMARY KEY REFERENCES affairs.case (id),
        rating       integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
        level        text NOT NULL,
        comment      text,
        actor        jsonb NOT NULL,
        evaluated_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE affairs.remediation (
        id          uuid PRIMARY KEY,
        case_id     uuid NOT NULL UNIQUE REFERENCES affairs.case (id),
        item_code   text NOT NULL,
        rating      integer NOT NULL,
        level       text NOT NULL,
        comment     text,
        opened_at   timestamptz NOT NULL,
        due_date    date,
        status      text NOT NULL CHECK (status IN ('open', 'closed')),
        closed_at   timestamptz,
        closed_by   text,
        resolution  text
      )`);
    await q.query(`CREATE INDEX remediation_open_idx ON affairs.remediation (status, due_date)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA affairs CASCADE`);
  }
}
