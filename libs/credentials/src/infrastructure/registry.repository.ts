import { Injectable } from '@nestjs/common';
import { queryRow, queryRows, type SqlRunner } from '@guangfo/platform';
import type { CredentialStatusRecord, IssuerKeyRecord, IssuerKeyStatus } from '../domain/credential-verification.js';
import type { IssuingBody } from '../domain/issuing-authorities.js';
import type { StreamState } from '../domain/registry.stream.js';

const AUTHORITIES_LOCK = 7_440_100_302;

export type RegistryEventKind = 'key' | 'authorities' | 'status';

/** A row of credentials.key_registry: every city's issuer keys as this node knows them. */
interface KeyRegistryRow {
  issuer_city: string;
  key_id: string;
  public_key: string;
  credential_types: string[];
  status: IssuerKeyStatus;
  published_at: Date;
  status_changed_at: Date;
  sequence: string;
}
/** A row of credentials.registry_stream: how far this node has applied each city's registry stream. */
interface RegistryStreamRow {
  issuer_city: string;
  watermark: string;
  watermark_at: Date | null;
  highest_seen: string;
  checkpoint_sequence: string | null;
  checkpoint_at: Date | null;
  as_of: Date | null;
  updated_at: Date;
  authorities_sequence: string | null;
}
/** A row of credentials.credential_status. */
interface CredentialStatusRow {
  status: CredentialStatusRecord['status'];
  reason_code: string;
  changed_at: Date;
}
/** A row of credentials.issuing_authority. */
interface IssuingAuthorityRow {
  issuer_city: string;
  body_code: string;
  body_name: string;
  credential_types: string[];
}

/** One city's registry stream, parsed. */
export interface RegistryStream {
  issuerCity: string;
  state: StreamState;
  highestSeen: number;
  /** Sequence of the issuing-authority list applied last (null: none yet). */
  authoritiesSequence: number | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const toKey = (r: KeyRegistryRow): IssuerKeyRecord => ({
  issuerCity: r.issuer_city,
  keyId: r.key_id,
  publicKey: r.public_key,
  credentialTypes: r.credential_types,
  status: r.status,
  publishedAt: r.published_at.toISOString(),
  statusChangedAt: r.status_changed_at.toISOString(),
});
const toStream = (r: RegistryStreamRow): RegistryStream => ({
  issuerCity: r.issuer_city,
  state: {
    watermark: Number(r.watermark),
    watermarkAt: iso(r.watermark_at),
    checkpointSequence: r.checkpoint_sequence === null ? null : Number(r.checkpoint_sequence),
    checkpointAt: iso(r.checkpoint_at),
    asOf: iso(r.as_of),
  },
  highestSeen: Number(r.highest_seen),
  authoritiesSequence: r.authorities_sequence === null ? null : Number(r.authorities_sequence),
});
const toBody = (
  r: Pick<IssuingAuthorityRow, 'body_code' | 'body_name' | 'credential_types'>,
): { code: string; name: string; credentialTypes: string[] } => ({
  code: r.body_code,
  name: r.body_name,
  credentialTypes: r.credential_types,
});

/**
 * SQL of the replicated credential registry: registry_stream, registry_event, key_registry,
 * credential_status and issuing_authority. Methods take the caller's transaction (or the DataSource for reads).
 */
@Injectable()
export class RegistryRepository {
  // Streams ---------------------------------------------------------------------------------------

  async ensureStream(db: SqlRunner, city: string): Promise<void> {
    await db.query(`INSERT INTO credentials.registry_stream (issuer_city) VALUES ($1) ON CONFLICT DO NOTHING`, [city]);
  }

  /** Takes the next sequence of this city's own stream (the row lock orders concurrent writers: sequence order = commit order). */
  async nextOwnSequence(db: SqlRunner, city: string): Promise<{ sequence: number; occurredAt: string }> {
    const row = await queryRow<{ watermark: string; watermark_at: Date }>(
      db,
      `UPDATE credentials.registry_stream SET watermark = watermark + 1, highest_seen = watermark + 1, watermark_at = now(), as_of = now(), updated_at = now()
        WHERE issuer_city = $1 RETURNING watermark, watermark_at`,
      [city],
    );
    return { sequence: Number(row!.watermark), occurredAt: row!.watermark_at.toISOString() };
  }

  /** This city's stream position, locked, with the database time. */
  async lockOwnPosition(db: SqlRunner, city: string): Promise<{ sequence: number; now: string }> {
    const row = await queryRow<{ watermark: string; now: Date }>(
      db,
      `SELECT watermark, now() AS now FROM credentials.registry_stream WHERE issuer_city = $1 FOR UPDATE`,
      [city],
    );
    return { sequence: Number(row!.watermark), now: row!.now.toISOString() };
  }

  async lockStream(db: SqlRunner, city: string): Promise<RegistryStream> {
    return toStream(
      (await queryRow<RegistryStreamRow>(db, `SELECT * FROM credentials.registry_stream WHERE issuer_city = $1 FOR UPDATE`, [city]))!,
    );
  }

  async saveStream(db: SqlRunner, city: string, state: StreamState, highestSeen: number): Promise<void> {
    await db.query(
      `UPDATE credentials.registry_stream SET watermark = $2, watermark_at = $3, highest_seen = $4, checkpoint_sequence = $5, checkpoint_at = $6, as_of = $7, updated_at = now()
        WHERE issuer_city = $1`,
      [city, state.watermark, state.watermarkAt, highestSeen, state.checkpointSequence, state.checkpointAt, state.asOf],
    );
  }

  async streams(db: SqlRunner, city?: string): Promise<RegistryStream[]> {
    return (
      await queryRows<RegistryStreamRow>(
        db,
        `SELECT * FROM credentials.registry_stream WHERE ($1::text IS NULL OR issuer_city = $1) ORDER BY issuer_city`,
        [city ?? null],
      )
    ).map(toStream);
  }

  /** Issuer time `city`'s replicated registry is known as of. */
  async asOf(db: SqlRunner, city: string): Promise<string | null> {
    return iso(
      (await queryRow<{ as_of: Date | null }>(db, `SELECT as_of FROM credentials.registry_stream WHERE issuer_city = $1`, [city]))?.as_of ??
        null,
    );
  }

  /** Sequence of `city`'s issuing-authority list applied last: undefined without a stream, null before any list. */
  async authoritiesSequence(db: SqlRunner, city: string): Promise<number | null | undefined> {
    const row = await queryRow<{ authorities_sequence: string | null }>(
      db,
      `SELECT authorities_sequence FROM credentials.registry_stream WHERE issuer_city = $1`,
      [city],
    );
    return row === undefined ? undefined : row.authorities_sequence === null ? null : Number(row.authorities_sequence);
  }

  /** Serialises publications of this city's issuing-authority list until the transaction ends (advisory lock). */
  async serialiseAuthorities(db: SqlRunner): Promise<void> {
    await db.query('SELECT pg_advisory_xact_lock($1)', [AUTHORITIES_LOCK]);
  }

  // Events ----------------------------------------------------------------------------------------

  /** Records a change of this city's own stream (its sequence was just taken: never a duplicate). */
  async insertOwnEvent(db: SqlRunner, e: { city: string; sequence: number; kind: RegistryEventKind; occurredAt: string }): Promise<void> {
    await db.query(`INSERT INTO credentials.registry_event (issuer_city, sequence, kind, occurred_at) VALUES ($1, $2, $3, $4)`, [
      e.city,
      e.sequence,
      e.kind,
      e.occurredAt,
    ]);
  }

  /** Records that `sequence` of another city's stream was applied; false when it was already (a replay). */
  async insertEvent(
    db: SqlRunner,
    e: { city: string; sequence: number; kind: RegistryEventKind; occurredAt: string; eventId: string },
  ): Promise<boolean> {
    const rows = await queryRows(
      db,
      `INSERT INTO credentials.registry_event (issuer_city, sequence, kind, occurred_at, event_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING sequence`,
      [e.city, e.sequence, e.kind, e.occurredAt, e.eventId],
    );
    return rows.length > 0;
  }

  /** Applied sequences of `city` after `watermark` (sequence → occurredAt), in order. */
  async eventsAfter(db: SqlRunner, city: string, watermark: number): Promise<Map<number, string>> {
    const rows = await queryRows<{ sequence: string; occurred_at: Date }>(
      db,
      `SELECT sequence, occurred_at FROM credentials.registry_event WHERE issuer_city = $1 AND sequence > $2 ORDER BY sequence LIMIT 10000`,
      [city, watermark],
    );
    return new Map(rows.map((p) => [Number(p.sequence), p.occurred_at.toISOString()]));
  }

  // Keys ------------------------------------------------------------------------------------------

  async upsertKey(db: SqlRunner, k: IssuerKeyRecord, sequence: number): Promise<void> {
    await db.query(
      `INSERT INTO credentials.key_registry (issuer_city, key_id, public_key, credential_types, status, published_at, status_changed_at, sequence)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (issuer_city, key_id) DO UPDATE SET status = EXCLUDED.status, credential_types = EXCLUDED.credential_types,
         status_changed_at = EXCLUDED.status_changed_at, sequence = EXCLUDED.sequence
       WHERE credentials.key_registry.sequence < EXCLUDED.sequence AND credentials.key_registry.public_key = EXCLUDED.public_key`,
      [k.issuerCity, k.keyId, k.publicKey, [...k.credentialTypes], k.status, k.publishedAt, k.statusChangedAt, sequence],
    );
  }

  /** Sets a key's status from a checkpoint, unless a later change of the key was applied. */
  async reconcileKey(db: SqlRunner, city: string, k: { keyId: string; status: string }, at: string, sequence: number): Promise<void> {
    await db.query(
      `UPDATE credentials.key_registry SET status = $3, status_changed_at = $4 WHERE issuer_city = $1 AND key_id = $2 AND status <> $3 AND sequence <= $5`,
      [city, k.keyId, k.status, at, sequence],
    );
  }

  async key(db: SqlRunner, city: string, keyId: string): Promise<IssuerKeyRecord | undefined> {
    const row = await queryRow<KeyRegistryRow>(db, `SELECT * FROM credentials.key_registry WHERE issuer_city = $1 AND key_id = $2`, [
      city,
      keyId,
    ]);
    return row ? toKey(row) : undefined;
  }

  async keys(db: SqlRunner, city?: string): Promise<IssuerKeyRecord[]> {
    const rows = await queryRows<KeyRegistryRow>(
      db,
      `SELECT * FROM credentials.key_registry WHERE ($1::text IS NULL OR issuer_city = $1) ORDER BY issuer_city, published_at DESC, key_id`,
      [city ?? null],
    );
    return rows.map(toKey);
  }

  /** The newest keys of `city` with their status (for a checkpoint). */
  async keyStatuses(db: SqlRunner, city: string, limit: number): Promise<{ keyId: string; status: IssuerKeyStatus }[]> {
    const rows = await queryRows<Pick<KeyRegistryRow, 'key_id' | 'status'>>(
      db,
      `SELECT key_id, status FROM credentials.key_registry WHERE issuer_city = $1 ORDER BY published_at DESC LIMIT $2`,
      [city, limit],
    );
    return rows.map((k) => ({ keyId: k.key_id, status: k.status }));
  }

  // Credential status -----------------------------------------------------------------------------

  async upsertStatus(
    db: SqlRunner,
    s: {
      city: string;
      credentialId: string;
      credentialType: string;
      status: string;
      reasonCode: string;
      changedAt: string;
      sequence: number;
    },
  ): Promise<void> {
    await db.query(
      `INSERT INTO credentials.credential_status (issuer_city, credential_id, credential_type, status, reason_code, changed_at, sequence)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (issuer_city, credential_id) DO UPDATE SET status = EXCLUDED.status, reason_code = EXCLUDED.reason_code,
         changed_at = EXCLUDED.changed_at, sequence = EXCLUDED.sequence
       WHERE credentials.credential_status.sequence < EXCLUDED.sequence`,
      [s.city, s.credentialId, s.credentialType, s.status, s.reasonCode, s.changedAt, s.sequence],
    );
  }

  async status(db: SqlRunner, city: string, credentialId: string): Promise<CredentialStatusRecord | undefined> {
    const r = await queryRow<CredentialStatusRow>(
      db,
      `SELECT status, reason_code, changed_at FROM credentials.credential_status WHERE issuer_city = $1 AND credential_id = $2`,
      [city, credentialId],
    );
    return r ? { status: r.status, reasonCode: r.reason_code, changedAt: r.changed_at.toISOString() } : undefined;
  }

  // Issuing authorities ---------------------------------------------------------------------------

  /** Replaces `city`'s issuing-authority list with `bodies` (applied at `sequence`). */
  async replaceAuthorities(db: SqlRunner, city: string, bodies: readonly IssuingBody[], sequence: number): Promise<void> {
    await db.query(`DELETE FROM credentials.issuing_authority WHERE issuer_city = $1`, [city]);
    for (const b of bodies) {
      await db.query(
        `INSERT INTO credentials.issuing_authority (issuer_city, body_code, body_name, credential_types, sequence) VALUES ($1, $2, $3, $4, $5)`,
        [city, b.code, b.name, [...b.credentialTypes], sequence],
      );
    }
    await db.query(`UPDATE credentials.registry_stream SET authorities_sequence = $2 WHERE issuer_city = $1`, [city, sequence]);
  }

  async authorities(db: SqlRunner, city: string): Promise<IssuingBody[]> {
    const rows = await queryRows<IssuingAuthorityRow>(
      db,
      `SELECT body_code, body_name, credential_types FROM credentials.issuing_authority WHERE issuer_city = $1 ORDER BY body_code`,
      [city],
    );
    return rows.map(toBody);
  }

  async allAuthorities(
    db: SqlRunner,
    city?: string,
  ): Promise<{ issuerCity: string; code: string; name: string; credentialTypes: string[] }[]> {
    const rows = await queryRows<IssuingAuthorityRow>(
      db,
      `SELECT issuer_city, body_code, body_name, credential_types FROM credentials.issuing_authority WHERE ($1::text IS NULL OR issuer_city = $1) ORDER BY issuer_city, body_code`,
      [city ?? null],
    );
    return rows.map((r) => ({ issuerCity: r.issuer_city, ...toBody(r) }));
  }

  /** The credential types `bodyCode` may issue in `city`'s list (undefined: not on the list). */
  async authorisedTypes(db: SqlRunner, city: string, bodyCode: string): Promise<string[] | undefined> {
    return (
      await queryRow<Pick<IssuingAuthorityRow, 'credential_types'>>(
        db,
        `SELECT credential_types FROM credentials.issuing_authority WHERE issuer_city = $1 AND body_code = $2`,
        [city, bodyCode],
      )
    )?.credential_types;
  }
}
