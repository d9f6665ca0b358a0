import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `platform`: partner webhooks (subscriptions, events, deliveries, attempts) and files
 * (blobs, grants to peer cities, pending replications, node-to-node request nonces).
 */
export class WebhooksFiles1764288000000 implements MigrationInterface {
  name = 'WebhooksFiles1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE platform.webhook_subscription (
        id            uuid PRIMARY KEY,
        partner_id    text NOT NULL,
        city_code     text NOT NULL,
        url           text NOT NULL,
        event_types   text[] NOT NULL,
        item_codes    text[],
        description   text NOT NULL DEFAULT '',
        secret_sealed text NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        deleted_at    timestamptz
      )`);
    await q.query(
      `CREATE INDEX webhook_subscription_partner_idx ON platform.webhook_subscription (partner_id, created_at DESC) WHERE deleted_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX webhook_subscription_types_idx ON platform.webhook_subscription USING gin (event_types) WHERE deleted_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE platform.webhook_event (
        id          uuid PRIMARY KEY,
        event_type  text NOT NULL,
        subject     text NOT NULL,
        item_code   text,
        payload     jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE platform.webhook_delivery (
        id               uuid PRIMARY KEY,
        seq              bigserial NOT NULL UNIQUE,
        subscription_id  uuid NOT NULL REFERENCES platform.webhook_subscription (id),
        partner_id       text NOT NULL,
        event_id         uuid NOT NULL REFERENCES platform.webhook_event (id),
        status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
        attempts         integer NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz NOT NULL DEFAULT now(),
        last_status_code integer,
        last_error       text,
        redeliveries     integer NOT NULL DEFAULT 0,
        created_at       timestamptz NOT NULL DEFAULT now(),
        completed_at     timestamptz
      )`);
    await q.query(`CREATE INDEX webhook_delivery_due_idx ON platform.webhook_delivery (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX webhook_delivery_partner_idx ON platform.webhook_delivery (partner_id, seq DESC)`);
    await q.query(`
      CREATE TABLE platform.webhook_attempt (
        id          bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES platform.webhook_delivery (id),
        attempt_no  integer NOT NULL,
        started_at  timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        status_code integer,
        error       text
      )`);
    await q.query(`CREATE INDEX webhook_attempt_delivery_idx ON platform.webhook_attempt (delivery_id, id)`);

    await q.query(`
      CREATE TABLE platform.file_blob (
        id           uuid PRIMARY KEY,
        origin_city  text NOT NULL,
        replica      boolean NOT NULL DEFAULT false,
        file_name    text NOT NULL,
        media_type   text NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png', 'application/ofd')),
        size_bytes   integer NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 20971520),
        sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        sm3          text NOT NULL CHECK (sm3 ~ '^[0-9a-f]{64}$'),
        uploaded_by  text NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        content      bytea NOT NULL,
        CHECK (octet_length(content) = size_bytes)
      )`);
    // Out of line and uncompressed: the media are already compressed, and PostgreSQL can then
    // slice the value (substring) without reading it whole, so downloads stream in chunks.
    await q.query(`ALTER TABLE platform.file_blob ALTER COLUMN content SET STORAGE EXTERNAL`);
    await q.query(`
      CREATE TABLE platform.file_grant (
        file_id    uuid NOT NULL REFERENCES platform.file_blob (id),
        to_city    text NOT NULL,
        granted_by text NOT NULL,
        granted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (file_id, to_city)
      )`);
    await q.query(`
      CREATE TABLE platform.file_replication (
        id              uuid PRIMARY KEY,
        from_city       text NOT NULL,
        file_id         uuid NOT NULL,
        sha256          text NOT NULL,
        size_bytes      integer NOT NULL,
        media_type      text NOT NULL,
        status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error      text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        completed_at    timestamptz,
        UNIQUE (from_city, file_id)
      )`);
    await q.query(`CREATE INDEX file_replication_due_idx ON platform.file_replication (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`
      CREATE TABLE platform.interchange_nonce (
        city_code text NOT NULL,
        nonce     text NOT NULL,
        seen_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (city_code, nonce)
      )`);
    await q.query(`CREATE INDEX interchange_nonce_seen_idx ON platform.interchange_nonce (seen_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'interchange_nonce',
      'file_replication',
      'file_grant',
      'file_blob',
      'webhook_attempt',
      'webhook_delivery',
      'webhook_event',
      'webhook_subscription',
    ]) {
      await q.query(`DROP TABLE IF EXISTS platform.${t}`);
    }
  }
}
