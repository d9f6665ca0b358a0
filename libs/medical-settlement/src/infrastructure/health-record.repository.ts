import { Injectable } from '@nestjs/common';
import { queryRow, queryRows, type SqlRunner } from '@guangfo/platform';

export interface ConsentRow {
  id: string;
  person_id: string;
  hospital_city: string;
  hospital_code: string;
  purpose: string;
  expires_at: Date;
  granted_at: Date;
  revoked_at: Date | null;
}
export interface AccessRow {
  id: string;
  request_id: string;
  person_id: string | null;
  hospital_city: string;
  hospital_code: string;
  hospital_name: string;
  purpose: string;
  outcome: 'shared' | 'refused';
  refusal: string | null;
  consent_id: string | null;
  at: Date;
}
export interface HealthRequestRow {
  id: string;
  hospital_code: string;
  patient_city: string;
  purpose: string;
  state: 'pending' | 'shared' | 'refused';
  refusal: string | null;
  summary_sealed: string | null;
  consent_expires_at: Date | null;
  requested_at: Date;
  answered_at: Date | null;
}

/** 电子健康档案 summaries, consents, the access log (the patient's city) and requests (the hospital's city). */
@Injectable()
export class HealthRecordRepository {
  async putRecord(db: SqlRunner, r: { personId: string; sealed: string; updatedOn: string; by: string; at: Date }): Promise<void> {
    await db.query(
      `INSERT INTO medical.health_record (person_id, summary_sealed, updated_on, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (person_id) DO UPDATE SET summary_sealed = EXCLUDED.summary_sealed, updated_on = EXCLUDED.updated_on,
         updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
      [r.personId, r.sealed, r.updatedOn, r.by, r.at],
    );
  }
  record(db: SqlRunner, personId: string): Promise<{ summary_sealed: string } | undefined> {
    return queryRow(db, `SELECT summary_sealed FROM medical.health_record WHERE person_id = $1`, [personId]);
  }
  async insertConsent(db: SqlRunner, c: Omit<ConsentRow, 'revoked_at'>): Promise<void> {
    await db.query(
      `INSERT INTO medical.health_consent (id, person_id, hospital_city, hospital_code, purpose, expires_at, granted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [c.id, c.person_id, c.hospital_city, c.hospital_code, c.purpose, c.expires_at, c.granted_at],
    );
  }
  consent(db: SqlRunner, id: string, lock = false): Promise<ConsentRow | undefined> {
    return queryRow<ConsentRow>(db, `SELECT * FROM medical.health_consent WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  }
  consentsOf(db: SqlRunner, personIds: string[]): Promise<ConsentRow[]> {
    return queryRows<ConsentRow>(
      db,
      `SELECT * FROM medical.health_consent WHERE person_id = ANY($1::uuid[]) ORDER BY granted_at DESC, id`,
      [personIds],
    );
  }
  /** Consents of a person for one hospital and purpose (any state), newest first. */
  consentsFor(db: SqlRunner, personId: string, hospitalCity: string, hospitalCode: string, purpose: string): Promise<ConsentRow[]> {
    return queryRows<ConsentRow>(
      db,
      `SELECT * FROM medical.health_consent WHERE person_id = $1 AND hospital_city = $2 AND hospital_code = $3 AND purpose = $4
        ORDER BY granted_at DESC`,
      [personId, hospitalCity, hospitalCode, purpose],
    );
  }
  async revokeConsent(db: SqlRunner, id: string, at: Date): Promise<void> {
    await db.query(`UPDATE medical.health_consent SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, [id, at]);
  }
  /** One access-log entry per request (a redelivered request is logged once). */
  async logAccess(db: SqlRunner, a: AccessRow): Promise<boolean> {
    const r = await queryRows(
      db,
      `INSERT INTO medical.health_access (id, request_id, person_id, hospital_city, hospital_code, hospital_name, purpose, outcome, refusal, consent_id, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (request_id) DO NOTHING RETURNING id`,
      [
        a.id,
        a.request_id,
        a.person_id,
        a.hospital_city,
        a.hospital_code,
        a.hospital_name,
        a.purpose,
        a.outcome,
        a.refusal,
        a.consent_id,
        a.at,
      ],
    );
    return r.length > 0;
  }
  accessByRequest(db: SqlRunner, requestId: string): Promise<AccessRow | undefined> {
    return queryRow<AccessRow>(db, `SELECT * FROM medical.health_access WHERE request_id = $1`, [requestId]);
  }
  /**
   * A page of the access log of these persons, newest first (then by id), after the cursor's (at, id); `at_key` is `at` to the
   * microsecond (UTC), the cursor's exact position.
   */
  accessLog(
    db: SqlRunner,
    personIds: string[],
    q: { after?: { t: string; i: string }; limit: number },
  ): Promise<(AccessRow & { at_key: string })[]> {
    const after = q.after ? `AND (at < $3::timestamptz OR (at = $3::timestamptz AND id > $4::uuid))` : '';
    return queryRows<AccessRow & { at_key: string }>(
      db,
      `SELECT *, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_key FROM medical.health_access
        WHERE person_id = ANY($1::uuid[]) ${after} ORDER BY at DESC, id LIMIT $2`,
      q.after ? [personIds, q.limit, q.after.t, q.after.i] : [personIds, q.limit],
    );
  }
  async insertRequest(
    db: SqlRunner,
    r: Pick<HealthRequestRow, 'id' | 'hospital_code' | 'patient_city' | 'purpose' | 'requested_at'>,
  ): Promise<void> {
    await db.query(
      `INSERT INTO medical.health_request (id, hospital_code, patient_city, purpose, state, requested_at) VALUES ($1, $2, $3, $4, 'pending', $5)`,
      [r.id, r.hospital_code, r.patient_city, r.purpose, r.requested_at],
    );
  }
  request(db: SqlRunner, id: string, lock = false): Promise<HealthRequestRow | undefined> {
    return queryRow<HealthRequestRow>(db, `SELECT * FROM medical.health_request WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  }
  async answerRequest(
    db: SqlRunner,
    id: string,
    a: { state: 'shared' | 'refused'; refusal: string | null; sealed: string | null; consentExpiresAt: Date | null; at: Date },
  ): Promise<void> {
    await db.query(
      `UPDATE medical.health_request SET state = $2, refusal = $3, summary_sealed = $4, consent_expires_at = $5, answered_at = $6
        WHERE id = $1 AND state = 'pending'`,
      [id, a.state, a.refusal, a.sealed, a.consentExpiresAt, a.at],
    );
  }
}
