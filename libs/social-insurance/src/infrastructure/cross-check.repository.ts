import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRow, queryRows } from '@guangfo/platform';

export interface CrossCheckRow {
  id: string;
  other_city: string;
  key_id: string;
  hash_count: number;
  trigger: 'on-demand' | 'schedule';
  state: 'sent' | 'answered' | 'refused';
  hits: number | null;
  created_at: Date;
  answered_at: Date | null;
}

export interface InvestigationRow {
  id: string;
  check_id: string;
  side: 'paying' | 'registry';
  other_city: string;
  key_id: string;
  hash: string;
  source: string;
  event_date: string;
  person_id: string | null;
  state: 'open' | 'closed';
  version: number;
  outcome: 'confirmed' | 'unfounded' | null;
  reason: string | null;
  closed_by_city: string | null;
  closed_on: string | null;
  created_at: Date;
}

const INVESTIGATION_COLUMNS = `id, check_id, side, other_city, key_id, hash, source, to_char(event_date, 'YYYY-MM-DD') AS event_date, person_id, state,
  version, outcome, reason, closed_by_city, to_char(closed_on, 'YYYY-MM-DD') AS closed_on, created_at`;

/** The SQL of cross-checks, civil records and investigations. */
@Injectable()
export class CrossCheckRepository {
  async insertCivilRecord(
    em: EntityManager,
    r: { id: string; personId: string; source: string; eventDate: string; by: string; at: Date },
  ): Promise<boolean> {
    const row = await queryRow<{ id: string }>(
      em,
      `INSERT INTO social_insurance.civil_record (id, person_id, source, event_date, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (person_id, source, event_date) DO NOTHING RETURNING id`,
      [r.id, r.personId, r.source, r.eventDate, r.by, r.at],
    );
    return row !== undefined;
  }

  civilRecords(em: EntityManager, sources: readonly string[]): Promise<{ person_id: string; source: string; event_date: string }[]> {
    return queryRows(
      em,
      `SELECT person_id, source, to_char(event_date, 'YYYY-MM-DD') AS event_date FROM social_insurance.civil_record WHERE source = ANY($1) ORDER BY recorded_at`,
      [sources],
    );
  }

  /** The people this city pays (its benefit roll): retirees not stopped. */
  benefitRoll(em: EntityManager): Promise<{ person_id: string }[]> {
    return queryRows(em, `SELECT person_id FROM social_insurance.retiree WHERE stop_kind IS NULL ORDER BY created_at, id`);
  }

  async insertCheck(em: EntityManager, c: Omit<CrossCheckRow, 'hits' | 'answered_at' | 'state'> & { requestedBy: string }): Promise<void> {
    await em.query(
      `INSERT INTO social_insurance.cross_check (id, other_city, key_id, hash_count, trigger, requested_by, state, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'sent', $7)`,
      [c.id, c.other_city, c.key_id, c.hash_count, c.trigger, c.requestedBy, c.created_at],
    );
  }

  findCheck(em: EntityManager, id: string, lock = false): Promise<CrossCheckRow | undefined> {
    return queryRow<CrossCheckRow>(em, `SELECT * FROM social_insurance.cross_check WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  }

  async answerCheck(em: EntityManager, id: string, state: 'answered' | 'refused', hits: number, at: Date): Promise<void> {
    await em.query(`UPDATE social_insurance.cross_check SET state = $2, hits = $3, answered_at = $4 WHERE id = $1`, [id, state, hits, at]);
  }

  async insertInvestigation(
    em: EntityManager,
    i: Omit<InvestigationRow, 'state' | 'version' | 'outcome' | 'reason' | 'closed_by_city' | 'closed_on'>,
  ): Promise<void> {
    await em.query(
      `INSERT INTO social_insurance.investigation (id, check_id, side, other_city, key_id, hash, source, event_date, person_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
      [i.id, i.check_id, i.side, i.other_city, i.key_id, i.hash, i.source, i.event_date, i.person_id, i.created_at],
    );
  }

  investigationsOfCheck(em: EntityManager, checkId: string): Promise<InvestigationRow[]> {
    return queryRows<InvestigationRow>(
      em,
      `SELECT ${INVESTIGATION_COLUMNS} FROM social_insurance.investigation WHERE check_id = $1 ORDER BY created_at, id`,
      [checkId],
    );
  }

  findInvestigation(em: EntityManager, id: string, lock = false): Promise<InvestigationRow | undefined> {
    return queryRow<InvestigationRow>(
      em,
      `SELECT ${INVESTIGATION_COLUMNS} FROM social_insurance.investigation WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
  }

  /** Closes an open investigation (here or as told by the other city); false when it was closed already. */
  async closeInvestigation(
    em: EntityManager,
    id: string,
    c: { outcome: string; reason: string; byCity: string; on: string; at: Date },
  ): Promise<boolean> {
    const row = await queryRow<{ id: string }>(
      em,
      `UPDATE social_insurance.investigation
          SET state = 'closed', outcome = $2, reason = $3, closed_by_city = $4, closed_on = $5, closed_at = $6, version = version + 1
        WHERE id = $1 AND state = 'open' RETURNING id`,
      [id, c.outcome, c.reason, c.byCity, c.on, c.at],
    );
    return row !== undefined;
  }

  /** A page of investigations, newest first, after the cursor (created_at, id). */
  investigationPage(
    em: EntityManager,
    f: { state?: string; side?: string; after?: { c: string; i: string }; limit: number },
  ): Promise<InvestigationRow[]> {
    return queryRows<InvestigationRow>(
      em,
      `SELECT ${INVESTIGATION_COLUMNS} FROM social_insurance.investigation
        WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR side = $2)
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $5`,
      [f.state ?? null, f.side ?? null, f.after?.c ?? null, f.after?.i ?? null, f.limit],
    );
  }
}
