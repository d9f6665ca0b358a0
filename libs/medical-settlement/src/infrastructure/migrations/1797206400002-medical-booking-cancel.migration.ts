import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 预约挂号: the patient cancels a booking (state `cancelled`, when); the hospital's city releases the place (booking_hold.released_at). */
export class MedicalBookingCancel1797206400002 implements MigrationInterface {
  name = 'MedicalBookingCancel1797206400002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE medical.booking DROP CONSTRAINT booking_state_check`);
    await q.query(
      `ALTER TABLE medical.booking ADD CONSTRAINT booking_state_check CHECK (state IN ('pending', 'confirmed', 'refused', 'timed-out', 'cancelled'))`,
    );
    await q.query(`ALTER TABLE medical.booking ADD COLUMN cancelled_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE medical.booking SET state = 'refused', refusal = 'MEDICAL_BOOKING_CANCELLED' WHERE state = 'cancelled'`);
    await q.query(`ALTER TABLE medical.booking DROP COLUMN cancelled_at`);
    await q.query(`ALTER TABLE medical.booking DROP CONSTRAINT booking_state_check`);
    await q.query(
      `ALTER TABLE medical.booking ADD CONSTRAINT booking_state_check CHECK (state IN ('pending', 'confirmed', 'refused', 'timed-out'))`,
    );
  }
}
