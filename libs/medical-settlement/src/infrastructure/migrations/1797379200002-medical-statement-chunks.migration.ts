import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A clearing statement arrives at the insured city in pieces: a header (`statement-issued.v2`) and its item chunks
 * (`statement-chunk.v1`). Each piece is staged here in the inbox transaction that received it; the piece that completes the
 * statement assembles it, proves it and records it in medical.statement / statement_item, marks the inbound row completed and
 * drops the staged chunks (the row stays: a piece arriving after that is recognised as late).
 */
export class MedicalStatementChunks1797379200002 implements MigrationInterface {
  name = 'MedicalStatementChunks1797379200002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE medical.statement_inbound (
        statement_id   uuid PRIMARY KEY,
        treating_city  text NOT NULL,
        header         jsonb,
        problems       jsonb NOT NULL DEFAULT '[]',
        first_at       timestamptz NOT NULL DEFAULT now(),
        completed_at   timestamptz
      )`);
    await q.query(
      `COMMENT ON COLUMN medical.statement_inbound.header IS 'The statement-issued.v2 data once it has arrived (null: chunks only so far)'`,
    );
    await q.query(
      `COMMENT ON COLUMN medical.statement_inbound.problems IS 'What staging found (a chunk index sent twice with other items, a second header that differs): part of the proof'`,
    );
    // json, not jsonb: kept as it arrived, read back whole, never queried inside.
    await q.query(`
      CREATE TABLE medical.statement_chunk (
        statement_id  uuid NOT NULL REFERENCES medical.statement_inbound (statement_id) ON DELETE CASCADE,
        chunk_index   int NOT NULL CHECK (chunk_index >= 0),
        item_count    int NOT NULL,
        digest        text NOT NULL,
        items         json NOT NULL,
        received_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (statement_id, chunk_index)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE medical.statement_chunk`);
    await q.query(`DROP TABLE medical.statement_inbound`);
  }
}
