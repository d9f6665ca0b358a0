import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `platform`: the file store also keeps UTF-8 CSV data files (text/csv) — e.g. a hospital's 3202 detail file uploaded
 * with 9101 and the result file it downloads with 9102. Only callers that ask for CSV store it (FileStore.put `accept`);
 * case materials stay PDF, JPEG, PNG, OFD.
 */
export class FileBlobCsv1797206400000 implements MigrationInterface {
  name = 'FileBlobCsv1797206400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE platform.file_blob DROP CONSTRAINT file_blob_media_type_check`);
    await q.query(`ALTER TABLE platform.file_blob ADD CONSTRAINT file_blob_media_type_check
      CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png', 'application/ofd', 'text/csv'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM platform.file_grant WHERE file_id IN (SELECT id FROM platform.file_blob WHERE media_type = 'text/csv')`);
    await q.query(`DELETE FROM platform.file_blob WHERE media_type = 'text/csv'`);
    await q.query(`ALTER TABLE platform.file_blob DROP CONSTRAINT file_blob_media_type_check`);
    await q.query(`ALTER TABLE platform.file_blob ADD CONSTRAINT file_blob_media_type_check
      CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png', 'application/ofd'))`);
  }
}
