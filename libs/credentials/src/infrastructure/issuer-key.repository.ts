import { Injectable } from '@nestjs/common';
import { queryRow, queryRows, type SqlRunner } from '@guangfo/platform';
import type { IssuerKeyStatus } from '../domain/credential-verification.js';

const KEY_LOCK = 7_440_100_301;

/** A row of credentials.issuer_key: this city's signing keys (private key sealed). */
export interface IssuerKeyRow {
  key_id: string;
  public_key: string;
  private_key: string;
  credential_types: string[];
  status: IssuerKeyStatus;
  created_at: Date;
  rotated_at: Date | null;
  retired_at: Date | null;
}

/** SQL of credentials.issuer_key. Methods take the caller's transaction (or the DataSource for reads). */
@Injectable()
export class IssuerKeyRepository {
  /** Serialises changes to this city's keys until the transaction ends (advisory lock). */
  async serialise(db: SqlRunner): Promise<void> {
    await db.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
  }

  async list(db: SqlRunner): Promise<IssuerKeyRow[]> {
    return queryRows<IssuerKeyRow>(db, `SELECT * FROM credentials.issuer_key ORDER BY created_at DESC`);
  }

  /** One key, locked for the rest of the transaction. */
  async lock(db: SqlRunner, keyId: string): Promise<IssuerKeyRow | undefined> {
    return queryRow<IssuerKeyRow>(db, `SELECT * FROM credentials.issuer_key WHERE key_id = $1 FOR UPDATE`, [keyId]);
  }

  /** The active key, locked: FOR UPDATE (to replace it) or FOR SHARE (to sign with it, against a concurrent rotation). */
  async active(db: SqlRunner, lock: 'update' | 'share'): Promise<IssuerKeyRow | undefined> {
    return queryRow<IssuerKeyRow>(
      db,
      `SELECT * FROM credentials.issuer_key WHERE status = 'active' ${lock === 'update' ? 'FOR UPDATE' : 'FOR SHARE'}`,
    );
  }

  async insertActive(
    db: SqlRunner,
    k: { keyId: string; publicKey: string; sealedPrivateKey: string; credentialTypes: string[] },
  ): Promise<IssuerKeyRow> {
    const row = await queryRow<IssuerKeyRow>(
      db,
      `INSERT INTO credentials.issuer_key (key_id, public_key, private_key, credential_types, status) VALUES ($1, $2, $3, $4, 'active') RETURNING *`,
      [k.keyId, k.publicKey, k.sealedPrivateKey, k.credentialTypes],
    );
    return row!;
  }

  async markRotated(db: SqlRunner, keyId: string): Promise<IssuerKeyRow> {
    return (await queryRow<IssuerKeyRow>(
      db,
      `UPDATE credentials.issuer_key SET status = 'rotated', rotated_at = now() WHERE key_id = $1 RETURNING *`,
      [keyId],
    ))!;
  }

  async markRetired(db: SqlRunner, keyId: string): Promise<IssuerKeyRow> {
    return (await queryRow<IssuerKeyRow>(
      db,
      `UPDATE credentials.issuer_key SET status = 'retired', retired_at = now() WHERE key_id = $1 RETURNING *`,
      [keyId],
    ))!;
  }
}
