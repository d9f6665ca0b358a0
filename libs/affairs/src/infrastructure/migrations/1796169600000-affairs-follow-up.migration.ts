import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `affairs`: 追评 (follow-up rating, once per case, after the first rating) on the rating row,
 * and on the remediation task the applicant's follow-up: its rating, whether they are now satisfied
 * (3 or more), and whether it came after the task was closed.
 */
export class AffairsFollowUp1796169600000 implements MigrationInterface {
  name = 'AffairsFollowUp1796169600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE affairs.evaluation
        ADD COLUMN follow_up_rating  integer CHECK (follow_up_rating BETWEEN 1 AND 5),
        ADD COLUMN follow_up_level   text,
        ADD COLUMN follow_up_comment text,
        ADD COLUMN follow_up_actor   jsonb,
        ADD COLUMN followed_up_at    timestamptz,
        ADD CONSTRAINT evaluation_follow_up_whole CHECK ((follow_up_rating IS NULL) = (followed_up_at IS NULL))`);
    await q.query(`
      ALTER TABLE affairs.remediation
        ADD COLUMN follow_up_rating    integer CHECK (follow_up_rating BETWEEN 1 AND 5),
        ADD COLUMN follow_up_satisfied boolean,
        ADD COLUMN follow_up_after_resolution boolean,
        ADD COLUMN followed_up_at      timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE affairs.remediation DROP COLUMN follow_up_rating, DROP COLUMN follow_up_satisfied, DROP COLUMN follow_up_after_resolution, DROP COLUMN followed_up_at`,
    );
    await q.query(
      `ALTER TABLE affairs.evaluation DROP CONSTRAINT evaluation_follow_up_whole, DROP COLUMN follow_up_rating, DROP COLUMN follow_up_level, DROP COLUMN follow_up_comment, DROP COLUMN follow_up_actor, DROP COLUMN followed_up_at`,
    );
  }
}
