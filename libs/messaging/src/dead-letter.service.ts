import { Injectable } from '@nestjs/common';
import { cursorField, cursorShape, decodeCursor, encodeCursor } from '@guangfo/kernel';
import { AuditService, platformError, queryRows } from '@guangfo/platform';
import { DataSource } from 'typeorm';
import { EventReceiver } from './event-receiver.js';
import { loadWire } from './dead-letter.wire.js';
import type { TransportMessage, WireMessage } from './signed-event.js';

export interface DeadLetterView {
  id: string;
  eventId: string | null;
  type: string | null;
  source: string | null;
  reasonCode: string;
  reason: string;
  attempts: number;
  createdAt: string;
  replayedAt: string | null;
  replayCount: number;
  lastReplayError: string | null;
}

interface Row {
  id: string;
  event_id: string | null;
  type: string | null;
  source: string | null;
  reason_code: string;
  reason: string;
  attempts: number;
  created_at: Date;
  replayed_at: Date | null;
  replay_count: number;
  last_replay_error: string | null;
  raw: TransportMessage | null;
  raw_text: string | null;
  raw_key: Buffer | null;
  raw_value: Buffer | null;
  raw_headers: Buffer | null;
}

const view = (r: Row): DeadLetterView => ({
  id: r.id,
  eventId: r.event_id,
  type: r.type,
  source: r.source,
  reasonCode: r.reason_code,
  reason: r.reason,
  attempts: r.attempts,
  createdAt: r.created_at.toISOString(),
  replayedAt: r.replayed_at?.toISOString() ?? null,
  replayCount: r.replay_count,
  lastReplayError: r.last_replay_error,
});

type DeadLetterCursor = {
  at: string;
  id: string;
};
const isDeadLetterCursor = cursorShape<DeadLetterCursor>({ at: cursorField.instant, id: cursorField.uuid });
const pageCursor = (r: Row): string => encodeCursor({ at: r.created_at.toISOString(), id: r.id } satisfies DeadLetterCursor);
const readCursor = (raw: string): [string, string] => {
  const c = decodeCursor(raw, isDeadLetterCursor);
  if (!c)
    throw platformError('VALIDATION_FAILED', {
      detail: 'cursor is not one this API issued',
      fieldErrors: [{ field: 'cursor', rule: 'cursor', message: 'invalid cursor' }],
    });
  return [c.at, c.id];
};

/** Lists the events this city rejected, and replays one once its cause is fixed. */
@Injectable()
export class DeadLetterService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly receiver: EventReceiver,
    private readonly audit: AuditService,
  ) {}

  async list(q: {
    reasonCode?: string;
    pending?: boolean;
    cursor?: string;
    limit: number;
  }): Promise<{ items: DeadLetterView[]; nextCursor: string | null }> {
    const [at, id] = q.cursor ? readCursor(q.cursor) : [null, null];
    const rows = (await this.dataSource.query(
      `SELECT * FROM platform.dead_letter
        WHERE ($1::text IS NULL OR reason_code = $1)
          AND ($2::boolean IS NULL OR (replayed_at IS NULL) = $2)
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $5`,
      [q.reasonCode ?? null, q.pending ?? null, at, id, q.limit + 1],
    )) as Row[];
    const page = rows.slice(0, q.limit);
    return { items: page.map(view), nextCursor: rows.length > q.limit ? pageCursor(page[page.length - 1]) : null };
  }

  async replay(id: string, actor: string): Promise<DeadLetterView & { outcome: string }> {
    const [row] = (await this.dataSource.query(`SELECT * FROM platform.dead_letter WHERE id = $1`, [id])) as Row[];
    if (!row) throw platformError('DEAD_LETTER_NOT_FOUND', { detail: `no dead letter ${id}` });
    if (row.replayed_at)
      throw platformError('DEAD_LETTER_ALREADY_REPLAYED', { detail: `dead letter ${id} was replayed at ${row.replayed_at.toISOString()}` });
    // Exactly the bytes that arrived; rows older nodes wrote keep the message as JSON text (raw_text, or raw).
    const raw: WireMessage =
      row.raw_headers !== null
        ? loadWire({ rawKey: row.raw_key, rawValue: row.raw_value, rawHeaders: row.raw_headers })
        : row.raw_text !== null
          ? (JSON.parse(row.raw_text) as TransportMessage)
          : row.raw!;
    const outcome = await this.receiver.receive(raw, 'replay');
    const failed = outcome.status === 'dead-lettered';
    const updated = await queryRows<Row>(
      this.dataSource,
      `UPDATE platform.dead_letter SET replay_count = replay_count + 1,
              replayed_at = CASE WHEN $2 THEN NULL ELSE now() END, last_replay_error = $3
        WHERE id = $1 RETURNING *`,
      [id, failed, failed ? `${outcome.reasonCode}: ${outcome.reason}` : null],
    );
    await this.audit.record({
      actor,
      action: 'dead-letter.replay',
      resource: `dead-letter:${id}`,
      outcome: failed ? 'failed' : 'success',
      detail: { eventStatus: outcome.status },
    });
    const r = view(updated[0]);
    if (failed)
      throw platformError('DEAD_LETTER_STILL_FAILING', { detail: `${outcome.reasonCode}: ${outcome.reason}`, extra: { deadLetter: r } });
    return { ...r, outcome: outcome.status };
  }
}
