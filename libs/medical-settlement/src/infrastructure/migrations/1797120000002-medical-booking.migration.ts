import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 预约挂号互通. At the hospital's city: slots with a capacity (CHECK booked ≤ capacity) and the holds of the other city's
 * bookings. At the patient's city: the booking with its deadline, state and any late answer.
 */
export class MedicalBooking1797120000002 implements MigrationInterface {
  name = 'MedicalBooking1797120000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE medical.booking_slot (
        id             uuid PRIMARY KEY,
        hospital_code  text NOT NULL,
        department     text NOT NULL,
        starts_at      timestamptz NOT NULL,
        capacity       int NOT NULL CHECK (capacity > 0),
        booked         int NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity)
      )`);
    await q.query(`
      CREATE TABLE medical.booking_hold (
        booking_id        uuid PRIMARY KEY,
        slot_id           uuid NOT NULL,
        patient_city      text NOT NULL,
        patient_sealed    text NOT NULL,
        outcome           text NOT NULL CHECK (outcome IN ('confirmed', 'refused')),
        refusal           text,
        answered_at       timestamptz NOT NULL,
        released_at       timestamptz
      )`);
    await q.query(`
      CREATE TABLE medical.booking (
        id                 uuid PRIMARY KEY,
        person_id          uuid NOT NULL REFERENCES medical.person (id),
        hospital_city      text NOT NULL,
        hospital_code      text NOT NULL,
        slot_id            uuid NOT NULL,
        state              text NOT NULL CHECK (state IN ('pending', 'confirmed', 'refused', 'timed-out')),
        refusal            text,
        reason             text,
        slot_department    text,
        slot_starts_at     timestamptz,
        requested_at       timestamptz NOT NULL,
        deadline_at        timestamptz NOT NULL,
        answered_at        timestamptz,
        late_outcome       text,
        late_answered_at   timestamptz,
        booked_by          text NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE medical.booking`);
    await q.query(`DROP TABLE medical.booking_hold`);
    await q.query(`DROP TABLE medical.booking_slot`);
  }
}
