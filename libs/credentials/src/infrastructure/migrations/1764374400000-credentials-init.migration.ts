import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `credentials`:
 * - issuer side: this city's signing keys (private keys sealed), the credentials it issued (personal
 *   data), its presentations and the log of who verified them, the number sequences;
 * - verifier side (every city, own and replicated): the key registry, credential status and the
 *   per-issuer stream state that decides freshness; single-use presentation redemptions.
 */
export class CredentialsInit1764374400000 implements MigrationInterface {
  name = 'CredentialsInit1764374400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS credentials`);
    await q.query(`
      CREATE TABLE credentials.issuer_key (
        key_id           text PRIMARY KEY,
        public_key       text NOT NULL,
        private_key      text NOT NULL,
        credential_types text[] NOT NULL,
        status           text NOT NULL CHECK (status IN ('active', 'rotated', 'retired')),
        created_at       timestamptz NOT NULL DEFAULT now(),
        rotated_at       timestamptz,
        retired_at       timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX issuer_key_one_active ON credentials.issuer_key ((status)) WHERE status = 'active'`);
    await q.query(`
      CREATE TABLE credentials.key_registry (
        issuer_city       text NOT NULL,
        key_id            text NOT NULL,
        public_key        text NOT NULL,
        credential_types  text[] NOT NULL,
        status            text NOT NULL CHECK (status IN ('active', 'rotated', 'retired')),
        published_at      timestamptz NOT NULL,
        status_changed_at timestamptz NOT NULL,
        sequence          bigint NOT NULL,
        PRIMARY KEY (issuer_city, key_id)
      )`);
    await q.query(`
      CREATE TABLE credentials.credential_status (
        issuer_city     text NOT NULL,
        credential_id   uuid NOT NULL,
        credential_type text NOT NULL,
        status          text NOT NULL CHECK (status IN ('valid', 'suspended', 'revoked')),
        reason_code     text NOT NULL,
        changed_at      timestamptz NOT NULL,
        sequence        bigint NOT NULL,
        PRIMARY KEY (issuer_city, credential_id)
      )`);
    await q.query(`
      CREATE TABLE credentials.registry_stream (
        issuer_city         text PRIMARY KEY,
        watermark           bigint NOT NULL DEFAULT 0,
        watermark_at        timestamptz,
        highest_seen        bigint NOT NULL DEFAULT 0,
        checkpoint_sequence bigint,
        checkpoint_at       timestamptz,
        as_of               timestamptz,
        updated_at          timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE credentials.registry_event (
        issuer_city text NOT NULL,
        sequence    bigint NOT NULL,
        kind        text NOT NULL,
        occurred_at timestamptz NOT NULL,
        event_id    uuid,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (issuer_city, sequence)
      )`);
    await q.query(`
      CREATE TABLE credentials.credential (
        id                 uuid PRIMARY KEY,
        number             text NOT NULL UNIQUE,
        type_code          text NOT NULL,
        holder_name        text NOT NULL,
        holder_code        text NOT NULL,
        holder_code_type   text NOT NULL,
        holder_account     text,
        issuer_name        text NOT NULL,
        issuer_code        text NOT NULL,
        issue_date         date NOT NULL,
        valid_from         date NOT NULL,
        valid_to           date,
        status             text NOT NULL CHECK (status IN ('valid', 'suspended', 'revoked', 'expired')),
        status_reason_code text,
        status_reason      text,
        status_changed_at  timestamptz,
        key_id             text NOT NULL REFERENCES credentials.issuer_key (key_id),
        document           jsonb NOT NULL,
        issued_by          text NOT NULL,
        idempotency_key    text,
        request_hash       text,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        UNIQUE (issued_by, idempotency_key)
      )`);
    await q.query(
      `CREATE INDEX credential_holder_account_idx ON credentials.credential (holder_account, created_at DESC) WHERE holder_account IS NOT NULL`,
    );
    await q.query(`CREATE INDEX credential_expiry_idx ON credentials.credential (valid_to) WHERE status IN ('valid', 'suspended')`);
    await q.query(`
      CREATE TABLE credentials.number_sequence (
        issuer_code text NOT NULL,
        year        integer NOT NULL,
        last        bigint NOT NULL,
        PRIMARY KEY (issuer_code, year)
      )`);
    await q.query(`
      CREATE TABLE credentials.presentation (
        id             uuid PRIMARY KEY,
        credential_id  uuid NOT NULL REFERENCES credentials.credential (id),
        holder_account text NOT NULL,
        verifier       jsonb NOT NULL,
        purpose        text NOT NULL,
        single_use     boolean NOT NULL,
        expires_at     timestamptz NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX presentation_holder_idx ON credentials.presentation (holder_account, created_at DESC)`);
    await q.query(`
      CREATE TABLE credentials.presentation_redemption (
        presentation_id uuid PRIMARY KEY,
        issuer_city     text NOT NULL,
        redeemed_by     text NOT NULL,
        redeemed_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE credentials.verification_log (
        id              uuid PRIMARY KEY,
        credential_id   uuid NOT NULL REFERENCES credentials.credential (id),
        presentation_id uuid,
        verifier        jsonb NOT NULL,
        verifier_city   text NOT NULL,
        purpose         text,
        valid           boolean NOT NULL,
        reasons         text[] NOT NULL,
        verified_at     timestamptz NOT NULL,
        recorded_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX verification_log_credential_idx ON credentials.verification_log (credential_id, verified_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA credentials CASCADE`);
  }
}
