import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 预约挂号互通, finding a slot: at the hospital's city each slot's version (grows with every change, carried by slot-offered);
 * at the patient's city the replica of the other city's offers, listed by start time.
 */
export class MedicalSlotOffers1797379200001 implements MigrationInterface {
  name = 'MedicalSlotOffers1797379200001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE medical.booking_slot ADD COLUMN version int NOT NULL DEFAULT 1`);
    await q.query(`
      CREATE TABLE medical.slot_offer (
        slot_id         uuid PRIMARY KEY,
        hospital_city   text NOT NULL,
        hospital_code   text NOT NULL,
        hospital_name   text NOT NULL,
        hospital_level  text NOT NULL,
        department      text NOT NULL,
        starts_at       timestamptz NOT NULL,
        capacity        int NOT NULL,
        booked          int NOT NULL,
        version         int NOT NULL,
        received_at     timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX slot_offer_list ON medical.slot_offer (hospital_city, starts_at, slot_id)`);
    await q.query(`CREATE INDEX booking_person_list ON medical.booking (person_id, requested_at DESC, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX medical.booking_person_list`);
    await q.query(`DROP TABLE medical.slot_offer`);
    await q.query(`ALTER TABLE medical.booking_slot DROP COLUMN version`);
  }
}
