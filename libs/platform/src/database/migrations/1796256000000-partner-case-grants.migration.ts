import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Least privilege for partners: a partner key reads the cases of the catalogue items it is
 * granted (here) or subscribed to by a webhook with an item scope — not every case of its city.
 */
export class PartnerCaseGrants1796256000000 implements MigrationInterface {
  name = 'PartnerCaseGrants1796256000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE platform.api_key ADD COLUMN case_item_grants text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE platform.api_key DROP COLUMN case_item_grants`);
  }
}
