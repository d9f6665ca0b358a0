import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Closing a joint investigation: a version (If-Match on the close), the outcome and reason the
 * closing city's clerk records, which city closed it and when. Both cities' rows carry the same
 * outcome once the other city has the `investigation-closed` event. Indexes for the clerk lists
 * (newest first) of investigations, claims, retirees, work-injury cases and medical transfers.
 */
export class SocialInsuranceInvestigationClosing1797033600000 implements MigrationInterface {
  name = 'SocialInsuranceInvestigationClosing1797033600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE social_insurance.investigation
        ADD COLUMN version        int NOT NULL DEFAULT 1,
        ADD COLUMN outcome        text CHECK (outcome IN ('confirmed', 'unfounded')),
        ADD COLUMN reason         text,
        ADD COLUMN closed_by_city text,
        ADD COLUMN closed_on      date,
        ADD COLUMN closed_at      timestamptz,
        ADD CONSTRAINT investigation_state_check CHECK (state IN ('open', 'closed'))`);
    for (const t of ['investigation', 'pension_claim', 'retiree', 'work_injury_case', 'medical_transfer'])
      await q.query(`CREATE INDEX ${t}_list_idx ON social_insurance.${t} (created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['investigation', 'pension_claim', 'retiree', 'work_injury_case', 'medical_transfer'])
      await q.query(`DROP INDEX social_insurance.${t}_list_idx`);
    await q.query(`
      ALTER TABLE social_insurance.investigation
        DROP CONSTRAINT investigation_state_check,
        DROP COLUMN version, DROP COLUMN outcome, DROP COLUMN reason,
        DROP COLUMN closed_by_city, DROP COLUMN closed_on, DROP COLUMN closed_at`);
  }
}
