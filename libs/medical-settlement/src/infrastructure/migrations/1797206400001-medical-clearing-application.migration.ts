import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 3203 清算申请 / 3204 撤销 (hospital ↔ its own agency) and the hospital's 9101 / 9102 files (3202 detail files and their
 * results, the bytes in platform.file_blob). Money in integer fen; the sums are the agency's, from its settlements.
 */
export class MedicalClearingApplication1797206400001 implements MigrationInterface {
  name = 'MedicalClearingApplication1797206400001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE medical.clearing_application (
        id               uuid PRIMARY KEY,
        hospital_code    text NOT NULL,
        begin_on         date NOT NULL,
        end_on           date NOT NULL,
        state            text NOT NULL CHECK (state IN ('applied', 'processed', 'reversed')),
        entry_count      int NOT NULL,
        medfee_fen       bigint NOT NULL,
        fund_fen         bigint NOT NULL,
        acct_fen         bigint NOT NULL,
        cash_fen         bigint NOT NULL,
        by_insured_city  jsonb NOT NULL,
        msgid            text NOT NULL,
        applied_at       timestamptz NOT NULL,
        applied_by       text NOT NULL,
        processed_at     timestamptz,
        processed_by     text,
        reversal_msgid   text,
        reversed_at      timestamptz,
        UNIQUE (hospital_code, msgid),
        CHECK (end_on >= begin_on),
        CHECK (fund_fen + acct_fen + cash_fen = medfee_fen),
        CHECK ((state = 'reversed') = (reversal_msgid IS NOT NULL)),
        CHECK ((state = 'processed') = (processed_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX clearing_application_hospital ON medical.clearing_application (hospital_code, begin_on)`);
    await q.query(
      `CREATE UNIQUE INDEX clearing_application_reversal_msgid ON medical.clearing_application (hospital_code, reversal_msgid) WHERE reversal_msgid IS NOT NULL`,
    );
    await q.query(`CREATE INDEX reconciliation_hospital_day ON medical.reconciliation (hospital_code, day, created_at)`);
    await q.query(`
      CREATE TABLE medical.hospital_file (
        file_id            uuid PRIMARY KEY REFERENCES platform.file_blob (id),
        hospital_code      text NOT NULL,
        purpose            text NOT NULL CHECK (purpose IN ('upload', 'result')),
        reconciliation_id  uuid REFERENCES medical.reconciliation (id),
        created_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX hospital_file_hospital ON medical.hospital_file (hospital_code, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE medical.hospital_file`);
    await q.query(`DROP INDEX medical.reconciliation_hospital_day`);
    await q.query(`DROP TABLE medical.clearing_application`);
  }
}
