import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseEntry, CaseEntryKind } from '@guangfo/contracts';
import { OUTBOX_APPEND, OUTBOX_NOTIFY } from '@guangfo/messaging';
import { WEBHOOK_PARAMS, webhookCtes } from '@guangfo/webhooks';
import { AUDIT_APPEND, prepared, type PreparedSql, queryRow, queryRows, runSql } from '@guangfo/platform';
import type { CaseAggregate } from '../domain/case.aggregate.js';

/** A case row: the replicated aggregate plus what only this city keeps (claim, hall). */
export interface CaseRow {
  id: string;
  item_code: string;
  state: string;
  version: number;
  holder_city: string | null;
  applicant_sub: string | null;
  applicant_name: string;
  applicant_id_masked: string;
  applicant_id_cipher: string;
  aggregate: CaseAggregate;
  due_date: string | null;
  filed_at: Date;
  updated_at: Date;
  local_hall: string | null;
  claimed_by: string | null;
  claimed_hall: string | null;
  claim_expires_at: Date | null;
}

export interface EntryRow {
  case_id: string;
  seq: number;
  kind: CaseEntryKind;
  author_city: string;
  at: Date;
  entry: CaseEntry;
}

export interface RequestRow {
  id: string;
  case_id: string;
  kind: 'withdraw';
  origin_city: string;
  status: 'pending' | 'applied' | 'refused' | 'superseded';
  payload: { actor: CaseEntry['actor']; reason?: string; requestedAt: string; knownVersion: number };
  created_at: Date;
  resolved_at: Date | null;
  resolved_seq: number | null;
}

/** A row as json_agg / row_to_json return it: timestamps as ISO strings. */
type JsonRow<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
const dateOrNull = (v: string | null): Date | null => (v === null ? null : new Date(v));

export interface CaseDetailParts {
  timeline: EntryRow[];
  notes: NoteRow[];
  evaluation: EvaluationRow | undefined;
  requests: RequestRow[];
}

export interface NoteRow {
  id: string;
  case_id: string;
  seq: number | null;
  author: string;
  hall: string | null;
  text: string;
  at: Date;
}

const CASE_COLUMNS = `id, item_code, state, version, holder_city, applicant_sub, applicant_name, applicant_id_masked, applicant_id_cipher,
  aggregate, to_char(due_date, 'YYYY-MM-DD') AS due_date, filed_at, updated_at, local_hall, claimed_by, claimed_hall, claim_expires_at`;

// The statements of every filing, step and replicated entry, prepared on each connection (platform `prepared`).
const FIND_CASE = prepared(`SELECT ${CASE_COLUMNS} FROM affairs.case WHERE id = $1`);
const FIND_CASE_LOCKED = prepared(`SELECT ${CASE_COLUMNS} FROM affairs.case WHERE id = $1 FOR UPDATE`);
const INSERT_CASE = `INSERT INTO affairs.case (id, item_code, mode, channel, applicant_city, receiving_city, administering_city, origin_city, participants,
         applicant_sub, applicant_name, applicant_id_masked, applicant_id_cipher, aggregate, state, version, holder_city, outcome, due_date,
         filed_at, updated_at, local_hall)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20, $21)`;
/** The case's first entry, in the filing's statement (the case id is $1). */
const INSERT_FIRST_ENTRY = `INSERT INTO affairs.timeline_entry (case_id, seq, kind, author_city, at, entry) VALUES ($1, $22, $23, $24, $25, $26)`;
const INSERT_CASE_PARAMS = 26;
const UPDATE_CASE = `UPDATE affairs.case SET aggregate = $2, state = $3, version = $4, holder_city = $5, outcome = $6, due_date = $7, updated_at = $8,
              claimed_by = CASE WHEN $9 THEN claimed_by END, claimed_hall = CASE WHEN $9 THEN claimed_hall END,
              claim_expires_at = CASE WHEN $9 THEN claim_expires_at END, local_hall = COALESCE(local_hall, $10)
        WHERE id = $1`;
const UPDATE_CASE_PARAMS = 10;

/**
 * What rides in the statement that writes a case (its filing or a step): the events to the other participating cities
 * (outbox rows staged by OutboxService.stage; the caller tells the outbox they were added), the audit record
 * (`auditParams`) and the partner webhook (WebhookOutbox.stage; the caller tells the webhook outbox how many deliveries
 * the statement wrote).
 */
export interface CaseWriteCarried {
  events?: readonly (readonly unknown[])[];
  audit?: readonly unknown[];
  webhook?: readonly unknown[];
}

/**
 * The statement that writes a case with what it carries, prepared per shape (on each connection): one round trip for what
 * took up to five. `written` counts the case's own rows (1 for a step's update, 2 for a filing: the case and its first
 * entry), `carried` the events and audit record, `webhooks` the deliveries.
 */
const caseWriteStatement = (() => {
  const shapes = new Map<string, PreparedSql>();
  return (write: 'insert' | 'update', events: number, audited: boolean, webhook: boolean): PreparedSql => {
    const key = `${write}:${events}:${audited}:${webhook}`;
    let sql = shapes.get(key);
    if (!sql) {
      const ctes: string[] = [];
      let next = (write === 'insert' ? INSERT_CASE_PARAMS : UPDATE_CASE_PARAMS) + 1;
      for (let i = 0; i < events; i++, next += OUTBOX_APPEND.columns.length) ctes.push(OUTBOX_APPEND.cte(`sent${i}`, next));
      if (audited) {
        ctes.push(AUDIT_APPEND.cte('audited', next));
        next += AUDIT_APPEND.columns.length;
      }
      if (webhook) ctes.push(webhookCtes('hooked', next));
      const own =
        write === 'insert'
          ? [`filed AS (${INSERT_CASE} RETURNING 1)`, `first_entry AS (${INSERT_FIRST_ENTRY} RETURNING 1)`]
          : [`updated AS (${UPDATE_CASE} RETURNING 1)`];
      const count = (names: string[]) => (names.length ? names.map((c) => `(SELECT count(*) FROM ${c})::int`).join(' + ') : '0');
      const carried = [...Array.from({ length: events }, (_, i) => `sent${i}`), ...(audited ? ['audited'] : [])];
      sql = prepared(
        `WITH ${[...ctes, ...own].join(',\n       ')}
         SELECT ${count(write === 'insert' ? ['filed', 'first_entry'] : ['updated'])} AS written, ${count(carried)} AS carried,
                ${webhook ? '(SELECT count(*) FROM hooked)::int' : '0'} AS webhooks${events ? `, ${OUTBOX_NOTIFY} AS notified` : ''}`,
      );
      shapes.set(key, sql);
    }
    return sql;
  };
})();

/** Writes a case with what it carries (one statement); throws unless every row was written. Returns the webhook deliveries. */
const writeCase = async (
  em: EntityManager,
  write: 'insert' | 'update',
  caseId: string,
  own: readonly unknown[],
  carried: CaseWriteCarried,
): Promise<{ webhooks: number }> => {
  const events = carried.events ?? [];
  if (carried.audit && carried.audit.length !== AUDIT_APPEND.columns.length) throw new Error('audit record: wrong number of values');
  if (carried.webhook && carried.webhook.length !== WEBHOOK_PARAMS) throw new Error('webhook: wrong number of values');
  const r = await queryRow<{ written: number; carried: number; webhooks: number }>(
    em,
    caseWriteStatement(write, events.length, !!carried.audit, !!carried.webhook),
    [...own, ...events.flat(), ...(carried.audit ?? []), ...(carried.webhook ?? [])],
  );
  if (r?.written !== (write === 'insert' ? 2 : 1) || r.carried !== events.length + (carried.audit ? 1 : 0))
    throw new Error(`case ${caseId}: the ${write === 'insert' ? 'filing' : "step's update"}, its events or audit record were not written`);
  return { webhooks: r.webhooks };
};
const DETAIL_PARTS = prepared(
  `SELECT
         (SELECT coalesce(json_agg(t ORDER BY t.seq), '[]') FROM (SELECT case_id, seq, kind, author_city, at, entry FROM affairs.timeline_entry WHERE case_id = $1) t) AS timeline,
         (SELECT coalesce(json_agg(n ORDER BY n.id::bigint), '[]') FROM (SELECT id::text, case_id, seq, author, hall, text, at FROM affairs.case_note WHERE case_id = $1 AND $2) n) AS notes,
         (SELECT row_to_json(e) FROM affairs.evaluation e WHERE e.case_id = $1) AS evaluation,
         (SELECT coalesce(json_agg(q ORDER BY q.created_at, q.id), '[]') FROM affairs.case_request q WHERE q.case_id = $1) AS requests`,
);
// A step's entry and the kind and time of every entry of its case after it (for the due date), in one round trip: the
// inserted row is not visible to the same statement's read of the table, so it joins from the INSERT's RETURNING.
const APPEND_ENTRY = prepared(
  `WITH added AS (
         INSERT INTO affairs.timeline_entry (case_id, seq, kind, author_city, at, entry) VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq, kind, at
       )
       SELECT kind, at FROM (SELECT seq, kind, at FROM affairs.timeline_entry WHERE case_id = $1 UNION ALL SELECT seq, kind, at FROM added) p
        ORDER BY seq`,
);
// Run by every step of a case at one city or the other (prepared: their planning cost more than their execution at P2).
const ENTRY_POINTS = prepared(`SELECT case_id, kind, at FROM affairs.timeline_entry WHERE case_id = ANY($1::uuid[]) ORDER BY case_id, seq`);
const REQUESTS_OF_CASE = prepared(
  `SELECT * FROM affairs.case_request WHERE case_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY created_at, id`,
);
const RESOLVE_REQUEST = prepared(
  `UPDATE affairs.case_request SET status = $2, resolved_seq = $3, resolved_at = $4 WHERE id = $1 AND status = 'pending'`,
);
const SUPERSEDE_REQUESTS = prepared(
  `UPDATE affairs.case_request SET status = 'superseded', resolved_seq = $2, resolved_at = $3 WHERE case_id = $1 AND status = 'pending'`,
);
const TAKE_BUFFERED = prepared(`DELETE FROM affairs.pending_entry WHERE case_id = $1 AND seq <= $2 RETURNING seq, author_city, payload`);

/** SQL of the affairs schema. Every method runs in the caller's transaction (EntityManager). */
@Injectable()
export class CaseRepository {
  async find(em: EntityManager, id: string, lock = false): Promise<CaseRow | undefined> {
    const rows = await queryRows<CaseRow>(em, lock ? FIND_CASE_LOCKED : FIND_CASE, [id]);
    return rows[0];
  }

  /**
   * A new case, its first entry (seq 1) and what rides with them (`CaseWriteCarried`), in one statement. Returns the row
   * and the entry as reading them back would give them (the aggregate and the entry through JSON, as jsonb keeps them):
   * the filing answers from them.
   */
  async insert(
    em: EntityManager,
    c: CaseAggregate,
    p: {
      applicantIdMasked: string;
      applicantIdCipher: string;
      filedAt: string;
      dueDate: string | null;
      localHall: string | null;
      holder: string | null;
    },
    first: { entry: CaseEntry; authorCity: string },
    carried: CaseWriteCarried = {},
  ): Promise<{ row: CaseRow; entry: EntryRow; webhooks: number }> {
    const f = c.filing;
    const e = first.entry;
    const aggregate = JSON.stringify(c);
    const entry = JSON.stringify(e);
    const { webhooks } = await writeCase(
      em,
      'insert',
      c.id,
      [
        c.id,
        f.itemCode,
        f.mode,
        f.channel,
        f.applicantCity,
        f.receivingCity,
        f.administeringCity,
        f.originCity,
        f.participants,
        f.applicant.sub,
        f.applicant.name,
        p.applicantIdMasked,
        p.applicantIdCipher,
        aggregate,
        c.state,
        c.version,
        p.holder,
        c.outcome,
        p.dueDate,
        p.filedAt,
        p.localHall,
        e.seq,
        e.kind,
        first.authorCity,
        e.at,
        entry,
      ],
      carried,
    );
    const filedAt = new Date(p.filedAt);
    return {
      row: {
        id: c.id,
        item_code: f.itemCode,
        state: c.state,
        version: c.version,
        holder_city: p.holder,
        applicant_sub: f.applicant.sub ?? null,
        applicant_name: f.applicant.name,
        applicant_id_masked: p.applicantIdMasked,
        applicant_id_cipher: p.applicantIdCipher,
        aggregate: JSON.parse(aggregate) as CaseAggregate,
        due_date: p.dueDate,
        filed_at: filedAt,
        updated_at: filedAt,
        local_hall: p.localHall,
        claimed_by: null,
        claimed_hall: null,
        claim_expires_at: null,
      },
      entry: {
        case_id: c.id,
        seq: e.seq,
        kind: e.kind,
        author_city: first.authorCity,
        at: new Date(e.at),
        entry: JSON.parse(entry) as CaseEntry,
      },
      webhooks,
    };
  }

  /**
   * The case row after a step and what rides with it (`CaseWriteCarried`), in one statement; `localHall`, the clerk's
   * hall, is kept if the case has none yet. Returns the webhook deliveries written.
   */
  update(
    em: EntityManager,
    c: CaseAggregate,
    p: { holder: string | null; dueDate: string | null; at: string; keepClaim: boolean; localHall?: string | null },
    carried: CaseWriteCarried = {},
  ): Promise<{ webhooks: number }> {
    return writeCase(
      em,
      'update',
      c.id,
      [c.id, JSON.stringify(c), c.state, c.version, p.holder, c.outcome, p.dueDate, p.at, p.keepClaim, p.localHall ?? null],
      carried,
    );
  }

  async timeline(em: EntityManager, caseId: string): Promise<EntryRow[]> {
    return (await em.query(
      `SELECT case_id, seq, kind, author_city, at, entry FROM affairs.timeline_entry WHERE case_id = $1 ORDER BY seq`,
      [caseId],
    )) as EntryRow[];
  }

  /**
   * Everything a case's detail view reads besides the case row, in one round trip: the timeline, the
   * clerks' notes (only when asked: staff views), the evaluation and the cross-city requests.
   */
  async detailParts(em: EntityManager, caseId: string, withNotes: boolean): Promise<CaseDetailParts> {
    const [r] = (await runSql(em, DETAIL_PARTS, [caseId, withNotes])) as {
      timeline: JsonRow<EntryRow>[];
      notes: JsonRow<NoteRow>[];
      evaluation: JsonRow<EvaluationRow> | null;
      requests: JsonRow<RequestRow>[];
    }[];
    return {
      timeline: r.timeline.map((t) => ({ ...t, at: new Date(t.at) })),
      notes: r.notes.map((n) => ({ ...n, at: new Date(n.at) })),
      evaluation: r.evaluation
        ? { ...r.evaluation, evaluated_at: new Date(r.evaluation.evaluated_at), followed_up_at: dateOrNull(r.evaluation.followed_up_at) }
        : undefined,
      requests: r.requests.map((q) => ({ ...q, created_at: new Date(q.created_at), resolved_at: dateOrNull(q.resolved_at) })),
    };
  }

  /** Appends a step's entry; returns the kind and time of every entry of the case, this one included (for the due date). */
  async appendEntry(em: EntityManager, caseId: string, e: CaseEntry, authorCity: string): Promise<{ kind: CaseEntryKind; at: string }[]> {
    const rows = (await runSql(em, APPEND_ENTRY, [caseId, e.seq, e.kind, authorCity, e.at, JSON.stringify(e)])) as {
      kind: CaseEntryKind;
      at: Date;
    }[];
    return rows.map((r) => ({ kind: r.kind, at: r.at.toISOString() }));
  }

  /** Kind and time of every entry of several cases (for deadlines in lists). */
  async points(em: EntityManager, ids: string[]): Promise<Map<string, { kind: CaseEntryKind; at: string }[]>> {
    const rows = (await runSql(em, ENTRY_POINTS, [ids])) as {
      case_id: string;
      kind: CaseEntryKind;
      at: Date;
    }[];
    const out = new Map<string, { kind: CaseEntryKind; at: string }[]>();
    for (const r of rows) out.set(r.case_id, [...(out.get(r.case_id) ?? []), { kind: r.kind, at: r.at.toISOString() }]);
    return out;
  }

  // Entries that arrived before the ones they follow.
  async buffer(
    em: EntityManager,
    p: { caseId: string; seq: number; authorCity: string; eventId: string; payload: unknown },
  ): Promise<void> {
    await em.query(
      `INSERT INTO affairs.pending_entry (case_id, seq, author_city, event_id, payload) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id, seq) DO NOTHING`,
      [p.caseId, p.seq, p.authorCity, p.eventId, JSON.stringify(p.payload)],
    );
  }

  /**
   * Takes the buffered entry that follows `version` (seq = version + 1), if any, and drops the stale
   * ones (seq ≤ version, already applied) in the same statement: one round trip per step.
   */
  async takeNextBuffered<T>(em: EntityManager, caseId: string, version: number): Promise<{ authorCity: string; payload: T } | undefined> {
    const rows = await queryRows<{ seq: number; author_city: string; payload: T }>(em, TAKE_BUFFERED, [caseId, version + 1]);
    const next = rows.find((r) => Number(r.seq) === version + 1);
    return next ? { authorCity: next.author_city, payload: next.payload } : undefined;
  }

  // Withdrawal requests.
  async insertRequest(
    em: EntityManager,
    r: { id: string; caseId: string; originCity: string; payload: RequestRow['payload']; createdAt: string },
  ): Promise<boolean> {
    const rows = (await em.query(
      `INSERT INTO affairs.case_request (id, case_id, kind, origin_city, status, payload, created_at) VALUES ($1, $2, 'withdraw', $3, 'pending', $4, $5)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [r.id, r.caseId, r.originCity, JSON.stringify(r.payload), r.createdAt],
    )) as unknown[];
    return rows.length > 0;
  }

  async requests(em: EntityManager, caseId: string, status?: RequestRow['status']): Promise<RequestRow[]> {
    return queryRows<RequestRow>(em, REQUESTS_OF_CASE, [caseId, status ?? null]);
  }

  async resolveRequest(em: EntityManager, id: string, status: RequestRow['status'], seq: number | null, at: string): Promise<void> {
    await runSql(em, RESOLVE_REQUEST, [id, status, seq, at]);
  }

  async supersedeRequests(em: EntityManager, caseId: string, seq: number, at: string): Promise<void> {
    await runSql(em, SUPERSEDE_REQUESTS, [caseId, seq, at]);
  }

  // Clerk notes: this city only, never in an event.
  async addNote(
    em: EntityManager,
    n: { caseId: string; seq: number | null; author: string; hall: string | null; text: string; at: string },
  ): Promise<NoteRow> {
    const [r] = (await em.query(
      `INSERT INTO affairs.case_note (case_id, seq, author, hall, text, at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::text`,
      [n.caseId, n.seq, n.author, n.hall, n.text, n.at],
    )) as { id: string }[];
    return { id: r!.id, case_id: n.caseId, seq: n.seq, author: n.author, hall: n.hall, text: n.text, at: new Date(n.at) };
  }

  async notes(em: EntityManager, caseId: string): Promise<NoteRow[]> {
    return (await em.query(`SELECT id::text, case_id, seq, author, hall, text, at FROM affairs.case_note WHERE case_id = $1 ORDER BY id`, [
      caseId,
    ])) as NoteRow[];
  }

  // Claims: a lock other clerks of this city see, with an expiry.
  async claim(em: EntityManager, id: string, p: { clerk: string; hall: string | null; expiresAt: string | null }): Promise<void> {
    await em.query(
      `UPDATE affairs.case SET claimed_by = $2, claimed_hall = $3, claim_expires_at = $4, local_hall = COALESCE(local_hall, $3) WHERE id = $1`,
      [id, p.expiresAt ? p.clerk : null, p.expiresAt ? p.hall : null, p.expiresAt],
    );
  }

  // 好差评 and remediation.
  async evaluation(em: EntityManager, caseId: string): Promise<EvaluationRow | undefined> {
    const rows = (await em.query(`SELECT * FROM affairs.evaluation WHERE case_id = $1`, [caseId])) as EvaluationRow[];
    return rows[0];
  }

  async insertEvaluation(
    em: EntityManager,
    e: { caseId: string; rating: number; level: string; comment?: string; actor: unknown; at: string },
  ): Promise<boolean> {
    const rows = (await em.query(
      `INSERT INTO affairs.evaluation (case_id, rating, level, comment, actor, evaluated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id) DO NOTHING RETURNING case_id`,
      [e.caseId, e.rating, e.level, e.comment ?? null, JSON.stringify(e.actor), e.at],
    )) as unknown[];
    return rows.length > 0;
  }

  /** 追评: once, on a rated case. 'not-rated' / 'already' say why nothing was stored. */
  async addFollowUp(
    em: EntityManager,
    e: { caseId: string; rating: number; level: string; comment?: string; actor: unknown; at: string },
  ): Promise<'stored' | 'not-rated' | 'already'> {
    const [rows] = (await em.query(
      `UPDATE affairs.evaluation SET follow_up_rating = $2, follow_up_level = $3, follow_up_comment = $4, follow_up_actor = $5, followed_up_at = $6
        WHERE case_id = $1 AND followed_up_at IS NULL RETURNING case_id`,
      [e.caseId, e.rating, e.level, e.comment ?? null, JSON.stringify(e.actor), e.at],
    )) as [unknown[], number];
    if (rows.length > 0) return 'stored';
    return (await this.evaluation(em, e.caseId)) ? 'already' : 'not-rated';
  }
}

export interface EvaluationRow {
  case_id: string;
  rating: number;
  level: string;
  comment: string | null;
  actor: CaseEntry['actor'];
  evaluated_at: Date;
  follow_up_rating: number | null;
  follow_up_level: string | null;
  follow_up_comment: string | null;
  followed_up_at: Date | null;
}
