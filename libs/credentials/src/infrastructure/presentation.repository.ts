import { Injectable } from '@nestjs/common';
import { queryRows, type SqlRunner } from '@guangfo/platform';
import type { Presentation } from '../domain/presentation.token.js';

/** SQL of credentials.presentation (made here, by holders) and credentials.presentation_redemption (used here, by verifiers). */
@Injectable()
export class PresentationRepository {
  async insert(db: SqlRunner, p: Presentation, holderAccount: string): Promise<void> {
    await db.query(
      `INSERT INTO credentials.presentation (id, credential_id, holder_account, verifier, purpose, single_use, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [p.id, p.credentialId, holderAccount, JSON.stringify(p.verifier), p.purpose, p.singleUse, p.expiresAt, p.createdAt],
    );
  }

  /** Records the first use of a single-use presentation; false when it was used before. */
  async redeem(db: SqlRunner, p: { presentationId: string; issuerCity: string; redeemedBy: string }): Promise<boolean> {
    const rows = await queryRows(
      db,
      `INSERT INTO credentials.presentation_redemption (presentation_id, issuer_city, redeemed_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING presentation_id`,
      [p.presentationId, p.issuerCity, p.redeemedBy],
    );
    return rows.length > 0;
  }
}
