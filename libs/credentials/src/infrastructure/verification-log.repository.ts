import { Injectable } from '@nestjs/common';
import type { CredentialVerifierRef, VerificationRecorded } from '@guangfo/contracts';
import { queryRows, type SqlRunner } from '@guangfo/platform';
import { HOLDER_CONDITION } from './credential.repository.js';

/** A row of credentials.verification_log joined with its credential: one entry of a holder's access log. */
export interface AccessLogRow {
  id: string;
  verified_at: Date;
  verifier: CredentialVerifierRef;
  presentation_id: string | null;
  purpose: string | null;
  valid: boolean;
  reasons: string[];
  credential_id: string;
  type_code: string;
  number: string;
}

/** SQL of credentials.verification_log: who verified this city's credentials (the holders' access log). */
@Injectable()
export class VerificationLogRepository {
  async insert(db: SqlRunner, e: VerificationRecorded): Promise<void> {
    await db.query(
      `INSERT INTO credentials.verification_log (id, credential_id, presentation_id, verifier, verifier_city, purpose, valid, reasons, verified_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
      [
        e.verificationId,
        e.credentialId,
        e.presentationId ?? null,
        JSON.stringify(e.verifier),
        e.verifier.city,
        e.purpose ?? null,
        e.valid,
        e.reasons,
        e.verifiedAt,
      ],
    );
  }

  /** Verifications of the credentials a resident holds (HOLDER_CONDITION), newest first. */
  async ofHolder(db: SqlRunner, sub: string, idNumber: string, limit: number): Promise<AccessLogRow[]> {
    return queryRows<AccessLogRow>(
      db,
      `SELECT vl.id, vl.verified_at, vl.verifier, vl.presentation_id, vl.purpose, vl.valid, vl.reasons, c.id AS credential_id, c.type_code, c.number
         FROM credentials.verification_log vl JOIN credentials.credential c ON c.id = vl.credential_id
        WHERE ${HOLDER_CONDITION(1)} ORDER BY vl.verified_at DESC, vl.id LIMIT $3`,
      [sub, idNumber, limit],
    );
  }
}
