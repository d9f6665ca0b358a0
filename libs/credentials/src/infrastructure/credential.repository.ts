import { Injectable } from '@nestjs/common';
import { queryRow, queryRows, type SqlRunner } from '@guangfo/platform';
import type { SignedCredential } from '../domain/credential.document.js';

export type CredentialStatus = 'valid' | 'suspended' | 'revoked' | 'expired';

/** A row of credentials.credential (dates as YYYY-MM-DD). */
export interface CredentialRow {
  id: string;
  number: string;
  type_code: string;
  holder_name: string;
  holder_code: string;
  holder_code_type: string;
  holder_account: string | null;
  issuer_name: string;
  issuer_code: string;
  issue_date: string;
  valid_from: string;
  valid_to: string | null;
  status: CredentialStatus;
  status_reason_code: string | null;
  status_changed_at: Date | null;
  key_id: string;
  document: SignedCredential;
  issued_by: string;
  created_at: Date;
}

/** SQL condition (on alias `c`) for the credentials a resident holds (see isHolder): params $n = sub, $n+1 = ID number. */
export const HOLDER_CONDITION = (n: number): string =>
  `c.holder_account = $${n} AND c.holder_code_type = '111' AND c.holder_code = $${n + 1}`;

const DATE_COLUMNS = `to_char(issue_date, 'YYYY-MM-DD') AS issue_date, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to`;
const SELECT_CREDENTIAL = `SELECT id, number, type_code, holder_name, holder_code, holder_code_type, holder_account, issuer_name, issuer_code, ${DATE_COLUMNS},
  status, status_reason_code, status_changed_at, key_id, document, issued_by, created_at FROM credentials.credential`;

/** SQL of credentials.credential and its number sequence. Methods take the caller's transaction (or the DataSource for reads). */
@Injectable()
export class CredentialRepository {
  async find(db: SqlRunner, id: string): Promise<CredentialRow | undefined> {
    return queryRow<CredentialRow>(db, `${SELECT_CREDENTIAL} WHERE id = $1`, [id]);
  }

  /** Locks the credential's row for the rest of the transaction; false when there is none. */
  async lock(db: SqlRunner, id: string): Promise<boolean> {
    return (await queryRows(db, `SELECT id FROM credentials.credential WHERE id = $1 FOR UPDATE`, [id])).length > 0;
  }

  async exists(db: SqlRunner, id: string): Promise<boolean> {
    return (await queryRows(db, `SELECT 1 FROM credentials.credential WHERE id = $1`, [id])).length > 0;
  }

  /** The credentials a resident holds (HOLDER_CONDITION), newest first. */
  async listHeld(db: SqlRunner, sub: string, idNumber: string, limit: number): Promise<CredentialRow[]> {
    return queryRows<CredentialRow>(
      db,
      `SELECT * FROM (${SELECT_CREDENTIAL}) c WHERE ${HOLDER_CONDITION(1)} ORDER BY created_at DESC LIMIT $3`,
      [sub, idNumber, limit],
    );
  }

  /** The next number of `issuerCode`'s credentials in `year` (1, 2, …). */
  async nextNumber(db: SqlRunner, issuerCode: string, year: number): Promise<number> {
    const row = await queryRow<{ last: string }>(
      db,
      `INSERT INTO credentials.number_sequence (issuer_code, year, last) VALUES ($1, $2, 1)
       ON CONFLICT (issuer_code, year) DO UPDATE SET last = credentials.number_sequence.last + 1 RETURNING last`,
      [issuerCode, year],
    );
    return Number(row!.last);
  }

  async insert(db: SqlRunner, signed: SignedCredential, p: { holderAccount: string | null; issuedBy: string }): Promise<void> {
    await db.query(
      `INSERT INTO credentials.credential (id, number, type_code, holder_name, holder_code, holder_code_type, holder_account, issuer_name, issuer_code,
         issue_date, valid_from, valid_to, status, key_id, document, issued_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'valid', $13, $14, $15)`,
      [
        signed.id,
        signed.number,
        signed.type.code,
        signed.holder.name,
        signed.holder.code,
        signed.holder.codeType,
        p.holderAccount,
        signed.issuer.name,
        signed.issuer.code,
        signed.issueDate,
        signed.validFrom,
        signed.validTo,
        signed.proof.keyId,
        JSON.stringify(signed),
        p.issuedBy,
      ],
    );
  }

  async setStatus(
    db: SqlRunner,
    id: string,
    status: 'valid' | 'suspended' | 'revoked',
    reasonCode: string,
    reason: string | null,
  ): Promise<void> {
    await db.query(
      `UPDATE credentials.credential SET status = $2, status_reason_code = $3, status_reason = $4, status_changed_at = now(), updated_at = now() WHERE id = $1`,
      [id, status, reasonCode, reason],
    );
  }

  /** Marks valid and suspended credentials whose validity ended before `today` (YYYY-MM-DD) expired; their ids. */
  async expireBefore(db: SqlRunner, today: string): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      db,
      `UPDATE credentials.credential SET status = 'expired', status_reason_code = NULL, status_changed_at = now(), updated_at = now()
        WHERE status IN ('valid', 'suspended') AND valid_to < $1::date RETURNING id`,
      [today],
    );
    return rows.map((r) => r.id);
  }
}
