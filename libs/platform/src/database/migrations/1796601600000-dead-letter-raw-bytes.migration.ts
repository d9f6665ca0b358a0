import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `platform`: a dead letter keeps the message byte for byte — `raw_key` and `raw_value`
 * (`bytea`, NULL when the record had none) and `raw_headers` (`bytea`: UTF-8 JSON of
 * `[name, base64 value]` pairs, in order). A Kafka record is not text: decoding it to store it lost
 * invalid UTF-8, and a replay must see exactly what arrived. Rows written before keep `raw_text`
 * (or `raw`); replay reads the bytes when `raw_headers` is set.
 */
export class DeadLetterRawBytes1796601600000 implements MigrationInterface {
  name = 'DeadLetterRawBytes1796601600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE platform.dead_letter ADD COLUMN raw_key bytea, ADD COLUMN raw_value bytea, ADD COLUMN raw_headers bytea`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM platform.dead_letter WHERE raw_text IS NULL AND raw IS NULL`);
    await q.query(`ALTER TABLE platform.dead_letter DROP COLUMN raw_key, DROP COLUMN raw_value, DROP COLUMN raw_headers`);
  }
}
