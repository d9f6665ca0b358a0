import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema `platform`: outbox, inbox, dead letters, hash-chained audit log, API keys, peer announcements. */
export class PlatformInit1764201600000 implements MigrationInterface {
  name = 'PlatformInit1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS platform`);
    await q.query(`
      CREATE TABLE platform.outbox (
        seq             bigserial PRIMARY KEY,
        event_id        uuid NOT NULL UNIQUE,
        type            text NOT NULL,
        subject         text NOT NULL,
        audience        text NOT NULL CHECK (audience IN ('addressed', 'broadcast')),
        to_city         text,
        envelope        jsonb NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error      text,
        delivered_to    text[] NOT NULL DEFAULT '{}',
        sent_at         timestamptz,
        CHECK ((audience = 'addressed') = (to_city IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX outbox_pending_idx ON platform.outbox (seq) WHERE sent_at IS NULL`);
    await q.query(`
      CREATE TABLE platform.inbox (
        event_id    uuid NOT NULL,
        consumer    text NOT NULL,
        source_city text NOT NULL,
        type        text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (event_id, consumer)
      )`);
    await q.query(`
      CREATE TABLE platform.dead_letter (
        id                uuid PRIMARY KEY,
        event_id          text,
        type              text,
        source            text,
        reason_code       text NOT NULL,
        reason            text NOT NULL,
        raw               jsonb NOT NULL,
        attempts          integer NOT NULL DEFAULT 0,
        created_at        timestamptz NOT NULL DEFAULT now(),
        replayed_at       timestamptz,
        replay_count      integer NOT NULL DEFAULT 0,
        last_replay_error text
      )`);
    await q.query(`CREATE INDEX dead_letter_created_idx ON platform.dead_letter (created_at DESC, id)`);
    await q.query(`
      CREATE TABLE platform.audit_log (
        seq            bigint PRIMARY KEY,
        at             timestamptz NOT NULL,
        actor          text NOT NULL,
        action         text NOT NULL,
        resource       text NOT NULL,
        outcome        text NOT NULL,
        detail         jsonb NOT NULL,
        correlation_id text,
        prev_hash      text NOT NULL,
        hash           text NOT NULL
      )`);
    await q.query(`
      CREATE FUNCTION platform.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'platform.audit_log is append-only (% refused)', TG_OP;
      END $$`);
    await q.query(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON platform.audit_log
      FOR EACH ROW EXECUTE FUNCTION platform.audit_log_append_only()`);
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON platform.audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION platform.audit_log_append_only()`);
    await q.query(`
      CREATE TABLE platform.api_key (
        id         text PRIMARY KEY,
        name       text NOT NULL,
        city_code  text NOT NULL,
        key_hash   text NOT NULL UNIQUE,
        scopes     text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE platform.peer_announcement (
        id                bigserial PRIMARY KEY,
        event_id          uuid NOT NULL UNIQUE,
        city_code         text NOT NULL,
        node_version      text NOT NULL,
        catalogue_version text NOT NULL,
        catalogue_hash    text NOT NULL,
        announced_at      timestamptz NOT NULL,
        correlation_id    text,
        received_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX peer_announcement_city_idx ON platform.peer_announcement (city_code, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA platform CASCADE`);
  }
}
