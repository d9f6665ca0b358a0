import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `platform`: a dead letter keeps the message as JSON text (`raw_text`), not jsonb. jsonb
 * cannot hold U+0000, so a message with a NUL byte could not be dead-lettered, and the consumer
 * retried it for ever, stalling its partition. Existing rows are copied; `raw` stays, nullable, for
 * rows written by older nodes.
 */
export class DeadLetterRawText1796515200000 implements MigrationInterface {
  name = 'DeadLetterRawText1796515200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE platform.dead_letter ADD COLUMN raw_text text, ALTER COLUMN raw DROP NOT NULL`);
    await q.query(`UPDATE platform.dead_letter SET raw_text = raw::text WHERE raw_text IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM platform.dead_letter WHERE raw IS NULL`);
    await q.query(`ALTER TABLE platform.dead_letter DROP COLUMN raw_text, ALTER COLUMN raw SET NOT NULL`);
  }
}
