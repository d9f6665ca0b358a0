import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema `platform`: peer announcements also record the working-day calendar a city counts on. */
export class PeerCalendar1764892800000 implements MigrationInterface {
  name = 'PeerCalendar1764892800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE platform.peer_announcement ADD COLUMN calendar_version text, ADD COLUMN calendar_hash text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE platform.peer_announcement DROP COLUMN calendar_version, DROP COLUMN calendar_hash`);
  }
}
