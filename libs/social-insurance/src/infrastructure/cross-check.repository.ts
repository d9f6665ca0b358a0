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
  state: string;
  created_at: Date;
}

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

  async insertInvestigation(em: EntityManager, i: Omit<InvestigationRow, 'state'>): Promise<void> {
    await em.query(
      `INSERT INTO social_insurance.investigation (id, check_id, side, other_city, key_id, hash, source, event_date, person_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
      [i.id, i.check_id, i.side, i.other_city, i.key_id, i.hash, i.source, i.event_date, i.person_id, i.created_at],
    );
  }

  investigationsOfCheck(em: EntityManager, checkId: string): Promise<InvestigationRow[]> {
    return queryRows<InvestigationRow>(
      em,
      `SELECT id, check_id, side, other_city, key_id, hash, source, to_char(event_date, 'YYYY-MM-DD') AS event_date, person_id, state, created_at
         FROM social_insurance.investigation WHERE check_id = $1 ORDER BY created_at, id`,
      [checkId],
    );
  }

  findInvestigation(em: EntityManager, id: string): Promise<InvestigationRow | undefined> {
    return queryRow<InvestigationRow>(
      em,
      `SELECT id, check_id, side, other_city, key_id, hash, source, to_char(event_date, 'YYYY-MM-DD') AS event_date, person_id, state, created_at
         FROM social_insurance.investigation WHERE id = $1`,
      [id],
    );
  }

  async ensureSchedule(em: EntityManager, cities: readonly string[], firstRunAt: Date): Promise<void> {
    for (const c of cities)
      await em.query(`INSERT INTO social_insurance.cross_check_schedule (other_city, next_run_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        c,
        firstRunAt,
      ]);
  }
}
