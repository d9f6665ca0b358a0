import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 预约挂号: the places held on a slot, by slot (the hospital's list of them, and 停诊); 停诊: a hospital withdraws a slot (booking_slot.withdrawn_at / withdrawn_reason, its places released); every
 * city's copy of the offer records it (slot_offer, never listed again); a booking of it ends `withdrawn` (when, and why in
 * `reason`).
 */
export class MedicalSlotWithdrawal1797552000000 implements MigrationInterface {
  name = 'MedicalSlotWithdrawal1797552000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE medical.booking_slot ADD COLUMN withdrawn_at timestamptz, ADD COLUMN withdrawn_reason text`);
    await q.query(`ALTER TABLE medical.slot_offer ADD COLUMN withdrawn_at timestamptz, ADD COLUMN withdrawn_reason text`);
    await q.query(`ALTER TABLE medical.booking ADD COLUMN withdrawn_at timestamptz`);
    await q.query(`ALTER TABLE medical.booking DROP CONSTRAINT booking_state_check`);
    await q.query(
      `ALTER TABLE medical.booking ADD CONSTRAINT booking_state_check
         CHECK (state IN ('pending', 'confirmed', 'refused', 'timed-out', 'cancelled', 'withdrawn'))`,
    );
    // A withdrawal finds the places held on the slot and the hospital lists them (hospital's city); the bookings of it (patient's city).
    await q.query(`CREATE INDEX booking_hold_slot ON medical.booking_hold (slot_id, answered_at, booking_id)`);
    await q.query(`CREATE INDEX booking_slot_live ON medical.booking (slot_id) WHERE state IN ('pending', 'confirmed')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX medical.booking_slot_live`);
    await q.query(`DROP INDEX medical.booking_hold_slot`);
    await q.query(`UPDATE medical.booking SET state = 'refused' WHERE state = 'withdrawn'`);
    await q.query(`ALTER TABLE medical.booking DROP CONSTRAINT booking_state_check`);
    await q.query(
      `ALTER TABLE medical.booking ADD CONSTRAINT booking_state_check CHECK (state IN ('pending', 'confirmed', 'refused', 'timed-out', 'cancelled'))`,
    );
    await q.query(`ALTER TABLE medical.booking DROP COLUMN withdrawn_at`);
    await q.query(`ALTER TABLE medical.slot_offer DROP COLUMN withdrawn_at, DROP COLUMN withdrawn_reason`);
    await q.query(`ALTER TABLE medical.booking_slot DROP COLUMN withdrawn_at, DROP COLUMN withdrawn_reason`);
  }
}
