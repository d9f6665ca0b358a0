import { Injectable } from '@nestjs/common';
import { queryRow, queryRows, type SqlRunner } from '@guangfo/platform';

/** A slot as its hospital's city holds it (`medical.booking_slot`), with its hospital. */
export interface SlotRow {
  id: string;
  hospital_code: string;
  hospital_name: string;
  hospital_level: 'primary' | 'secondary' | 'tertiary';
  hospital_city: string;
  department: string;
  starts_at: Date;
  capacity: number;
  booked: number;
  version: number;
  withdrawn_at: Date | null;
  withdrawn_reason: string | null;
}
/** The patient's city's copy of another city's offer (`medical.slot_offer`). */
export interface SlotOfferRow {
  slot_id: string;
  hospital_city: string;
  hospital_code: string;
  hospital_name: string;
  hospital_level: string;
  department: string;
  starts_at: Date;
  capacity: number;
  booked: number;
  version: number;
}

const WITH_HOSPITAL = `SELECT s.id, s.hospital_code, h.name AS hospital_name, h.level AS hospital_level, h.city_code AS hospital_city, s.department,
  s.starts_at, s.capacity, s.booked, s.version, s.withdrawn_at, s.withdrawn_reason FROM medical.booking_slot s JOIN medical.hospital h ON h.hospital_code = s.hospital_code`;

/** 预约挂号 slots: the hospital's city's own, and the replica of the other city's offers. */
@Injectable()
export class SlotRepository {
  /** A new slot of a hospital of this city; false when the id exists. */
  async insert(
    db: SqlRunner,
    s: { id: string; hospitalCode: string; department: string; startsAt: string; capacity: number },
  ): Promise<boolean> {
    const r = await queryRows(
      db,
      `INSERT INTO medical.booking_slot (id, hospital_code, department, starts_at, capacity) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [s.id, s.hospitalCode, s.department, s.startsAt, s.capacity],
    );
    return r.length > 0;
  }
  /** One slot of a hospital of `city`, with its hospital. */
  slot(db: SqlRunner, id: string, city: string): Promise<SlotRow | undefined> {
    return queryRow<SlotRow>(db, `${WITH_HOSPITAL} WHERE s.id = $1 AND h.city_code = $2`, [id, city]);
  }
  /** Slot `id` of hospital `hospitalCode`, locked (a withdrawal and the bookings of it queue on the row). */
  slotOfHospital(db: SqlRunner, id: string, hospitalCode: string, city: string): Promise<SlotRow | undefined> {
    return queryRow<SlotRow>(db, `${WITH_HOSPITAL} WHERE s.id = $1 AND s.hospital_code = $2 AND h.city_code = $3 FOR UPDATE OF s`, [
      id,
      hospitalCode,
      city,
    ]);
  }
  /**
   * Withdraws a slot (停诊): no more bookings, every place held on it released (booking_hold.released_at), in the caller's
   * transaction, the slot row locked. Returns the bookings released (each city's own).
   */
  async withdraw(db: SqlRunner, id: string, reason: string, at: Date): Promise<{ booking_id: string; patient_city: string }[]> {
    const released = await queryRows<{ booking_id: string; patient_city: string }>(
      db,
      `UPDATE medical.booking_hold SET released_at = $2 WHERE slot_id = $1 AND outcome = 'confirmed' AND released_at IS NULL
       RETURNING booking_id, patient_city`,
      [id, at],
    );
    await db.query(
      `UPDATE medical.booking_slot SET withdrawn_at = $2, withdrawn_reason = $3, booked = booked - $4, version = version + 1 WHERE id = $1`,
      [id, at, reason, released.length],
    );
    return released;
  }
  /** Takes a place (one conditional UPDATE: racing bookings queue on the row, exactly one gets the last place); never of a withdrawn slot. */
  async take(db: SqlRunner, id: string): Promise<boolean> {
    const r = await queryRows(
      db,
      `UPDATE medical.booking_slot SET booked = booked + 1, version = version + 1 WHERE id = $1 AND booked < capacity AND withdrawn_at IS NULL RETURNING id`,
      [id],
    );
    return r.length > 0;
  }
  async isWithdrawn(db: SqlRunner, id: string): Promise<boolean> {
    const r = await queryRows(db, `SELECT 1 FROM medical.booking_slot WHERE id = $1 AND withdrawn_at IS NOT NULL`, [id]);
    return r.length > 0;
  }
  async release(db: SqlRunner, id: string): Promise<void> {
    await db.query(`UPDATE medical.booking_slot SET booked = booked - 1, version = version + 1 WHERE id = $1`, [id]);
  }
  /** Stores an offer unless the replica holds the same or a later version of it, or knows it withdrawn. */
  async saveOffer(db: SqlRunner, o: Omit<SlotOfferRow, 'starts_at'> & { starts_at: string }, at: Date): Promise<void> {
    await db.query(
      `INSERT INTO medical.slot_offer (slot_id, hospital_city, hospital_code, hospital_name, hospital_level, department, starts_at, capacity, booked, version, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (slot_id) DO UPDATE SET hospital_name = EXCLUDED.hospital_name, hospital_level = EXCLUDED.hospital_level, department = EXCLUDED.department,
         starts_at = EXCLUDED.starts_at, capacity = EXCLUDED.capacity, booked = EXCLUDED.booked, version = EXCLUDED.version, received_at = EXCLUDED.received_at
       WHERE medical.slot_offer.hospital_city = EXCLUDED.hospital_city AND medical.slot_offer.version < EXCLUDED.version
         AND medical.slot_offer.withdrawn_at IS NULL`,
      [
        o.slot_id,
        o.hospital_city,
        o.hospital_code,
        o.hospital_name,
        o.hospital_level,
        o.department,
        o.starts_at,
        o.capacity,
        o.booked,
        o.version,
        at,
      ],
    );
  }
  /** The replica records a withdrawal of `city`'s slot (kept, never listed again); false when it holds no offer of it. */
  async withdrawOffer(db: SqlRunner, w: { slotId: string; city: string; reason: string; at: string; version: number }): Promise<boolean> {
    const r = await queryRows(
      db,
      `UPDATE medical.slot_offer SET withdrawn_at = $3, withdrawn_reason = $4, version = GREATEST(version, $5)
        WHERE slot_id = $1 AND hospital_city = $2 AND withdrawn_at IS NULL RETURNING slot_id`,
      [w.slotId, w.city, w.at, w.reason, w.version],
    );
    return r.length > 0;
  }
  /** Offers of `city` starting at or after `from` and not withdrawn, by start time then id, after the cursor. */
  offers(
    db: SqlRunner,
    q: { city: string; from: Date; department?: string; hospitalCode?: string; after?: { s: string; i: string }; limit: number },
  ): Promise<SlotOfferRow[]> {
    const params: unknown[] = [q.city, q.from];
    const arg = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [`hospital_city = $1`, `starts_at >= $2`, `withdrawn_at IS NULL`];
    if (q.department) where.push(`department = ${arg(q.department)}`);
    if (q.hospitalCode) where.push(`hospital_code = ${arg(q.hospitalCode)}`);
    if (q.after) where.push(`(starts_at, slot_id) > (${arg(q.after.s)}::timestamptz, ${arg(q.after.i)}::uuid)`);
    return queryRows<SlotOfferRow>(
      db,
      `SELECT * FROM medical.slot_offer WHERE ${where.join(' AND ')} ORDER BY starts_at, slot_id LIMIT ${arg(q.limit)}`,
      params,
    );
  }
}
