import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type BookingRefusal,
  type MedicalBookingAnswered,
  MedicalBookingAnsweredV1,
  type MedicalBookingCancelled,
  MedicalBookingCancelledV1,
  type MedicalBookingRequested,
  MedicalBookingRequestedV1,
  type MedicalSlotWithdrawn,
  MedicalSlotWithdrawnV1,
} from '@guangfo/contracts';
import { Sealer } from '@guangfo/gm-crypto';
import { Clock, maskIdNumber, maskName, normalizeResidentId } from '@guangfo/kernel';
import { HandlesEvent, OutboxService, type ReceivedEvent } from '@guangfo/messaging';
import {
  actorOf,
  AuditService,
  CityRegistry,
  NODE_CONFIG,
  type NodeConfig,
  type PartnerPrincipal,
  type Principal,
  queryRow,
  queryRows,
  type SqlRunner,
} from '@guangfo/platform';
import { medicalError } from '../medical.errors.js';
import { MedicalRepository } from '../infrastructure/medical.repository.js';
import { PersonSeal } from '../infrastructure/person.seal.js';
import { SlotRepository } from '../infrastructure/slot.repository.js';
import { SlotService } from './slot.service.js';
import { readTimePage, timePage } from './time-cursor.js';
import { partnerHospital } from './partner-hospital.js';

/** How long the patient's city waits for the hospital's answer before the booking is `timed-out`. */
export const BOOKING_TIMEOUT_MS = 60_000;

interface BookingRow {
  id: string;
  person_id: string;
  hospital_city: string;
  hospital_code: string;
  slot_id: string;
  state: 'pending' | 'confirmed' | 'refused' | 'timed-out' | 'cancelled' | 'withdrawn';
  refusal: string | null;
  reason: string | null;
  cancelled_at: Date | null;
  withdrawn_at: Date | null;
  slot_department: string | null;
  slot_starts_at: Date | null;
  requested_at: Date;
  deadline_at: Date;
  answered_at: Date | null;
  late_outcome: string | null;
  late_answered_at: Date | null;
  booked_by: string;
}

export interface BookingView {
  id: string;
  hospitalCity: string;
  hospitalCode: string;
  slotId: string;
  state: BookingRow['state'];
  /**
   * The hospital's refusal code (MEDICAL_SLOT_FULL, MEDICAL_SLOT_NOT_FOUND, MEDICAL_BOOKING_EXPIRED), MEDICAL_BOOKING_TIMED_OUT,
   * or MEDICAL_SLOT_WITHDRAWN (停诊: the hospital withdrew the slot).
   */
  refusal: string | null;
  /** Why, in words (the timeout and what happens to a late answer; the hospital's reason for withdrawing the slot). */
  reason: string | null;
  slot: { department: string; startsAt: string } | null;
  requestedAt: string;
  deadlineAt: string;
  answeredAt: string | null;
  /** An answer that arrived after the timeout: recorded, never reviving the booking (a late confirmation's slot is released). */
  lateAnswer: { outcome: string; at: string } | null;
  /** When the patient (or a clerk for them) cancelled it; the hospital's city then releases the place. */
  cancelledAt: string | null;
  /** 停诊: when the hospital's city withdrew the slot (the place is already released there). */
  withdrawnAt: string | null;
}

/** A place held on a slot, as its hospital sees it: the patient masked (enough to match them at the counter). */
export interface SlotHoldView {
  bookingId: string;
  patientCity: string;
  patient: { name: string; idNumber: string };
  confirmedAt: string;
  /** When the place went back (the patient cancelled, a late confirmation was released, or the slot was withdrawn). */
  releasedAt: string | null;
}

const WITHDRAWN_REASON = (reason: string) =>
  `医院已停诊（${reason}），本次预约取消，号源已释放，请改约其他号源。The hospital withdrew the slot (${reason}): the booking is ended and its place released; book another slot.`;

const TIMED_OUT_REASON = (ms: number) =>
  `医院所在城市未在 ${ms / 1000} 秒内答复，本次预约未成功，请重新预约。No answer from the hospital's city within ${ms / 1000} s: the booking did not go through; book again. A later answer is recorded but does not revive it (a late confirmation's slot is released).`;

/**
 * 预约挂号互通. The patient's city (the resident's own node) sends the booking to the hospital's city as an addressed event
 * (patient sealed) and waits up to BOOKING_TIMEOUT_MS: `pending` → `confirmed` / `refused` by the hospital's answer, or
 * `timed-out` once the deadline has passed without one (decided when the booking is read or when the late answer arrives,
 * so no timer is needed). A late answer is recorded on the booking but never revives it; a late confirmation is released at
 * the hospital (booking-cancelled), so the slot is not lost. At the hospital's city a slot is taken with one conditional
 * UPDATE (booked < capacity): two bookings racing for the last place — exactly one is confirmed.
 */
@Injectable()
export class BookingService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: CityRegistry,
    private readonly dataSource: DataSource,
    private readonly medical: MedicalRepository,
    private readonly seal: PersonSeal,
    private readonly sealer: Sealer,
    private readonly slotRows: SlotRepository,
    private readonly slots: SlotService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** A resident books for themself (verified identity); a clerk books for a named person. */
  async book(
    p: Principal,
    cmd: { hospitalCity: string; hospitalCode: string; slotId: string; person?: { idNumber: string; name: string } },
  ): Promise<BookingView> {
    if (!this.registry.get(cmd.hospitalCity) || cmd.hospitalCity === this.config.cityCode)
      throw medicalError('MEDICAL_CITY_UNKNOWN', { detail: `hospitalCity ${cmd.hospitalCity} must be another city of the registry` });
    const patient = this.patientOf(p, cmd.person);
    const now = this.clock.now();
    return this.dataSource.transaction(async (em) => {
      const id = randomUUID();
      const pid = randomUUID();
      const person = await this.medical.insertPerson(em, {
        id: pid,
        insured_city: this.config.cityCode,
        person_key: this.seal.personKey(patient.idNumber),
        id_number_sealed: this.seal.seal(pid, 'id-number', patient.idNumber),
        name_sealed: this.seal.seal(pid, 'name', patient.name),
        account_balance_fen: null,
      });
      const deadline = new Date(now.getTime() + BOOKING_TIMEOUT_MS);
      await em.query(
        `INSERT INTO medical.booking (id, person_id, hospital_city, hospital_code, slot_id, state, requested_at, deadline_at, booked_by)
         VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8)`,
        [id, person.id, cmd.hospitalCity, cmd.hospitalCode, cmd.slotId, now, deadline, actorOf(p)],
      );
      await this.outbox.add(em, {
        contract: MedicalBookingRequestedV1,
        domain: 'medical',
        subject: id,
        toCity: cmd.hospitalCity,
        data: {
          bookingId: id,
          patientCity: this.config.cityCode,
          hospitalCode: cmd.hospitalCode,
          slotId: cmd.slotId,
          requestedAt: now.toISOString(),
          deadlineAt: deadline.toISOString(),
          patient,
        },
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.booking.request',
          resource: `medical-booking:${id}`,
          outcome: 'success',
          detail: { hospitalCity: cmd.hospitalCity, hospitalCode: cmd.hospitalCode, slotId: cmd.slotId },
        },
        em,
      );
      return this.view((await this.row(em, id))!);
    });
  }

  /** One booking: the resident's own (others 404), or any of this city for clerks; a pending booking past its deadline times out here. */
  async get(p: Principal, id: string): Promise<BookingView> {
    return this.dataSource.transaction(async (em) => {
      let b = await this.row(em, id, true);
      if (!b || !(await this.mayRead(em, p, b))) throw medicalError('MEDICAL_BOOKING_NOT_FOUND', { detail: `no booking ${id} of yours` });
      b = await this.timeOutIfDue(em, b);
      await this.audit.record(
        { actor: actorOf(p), action: 'medical.booking.read', resource: `medical-booking:${id}`, outcome: 'success' },
        em,
      );
      return this.view(b);
    });
  }

  /**
   * Bookings of this city, newest first, cursor-paged: a resident's own, every one for clerks and supervisors. A pending booking
   * past its deadline is shown (and recorded) timed out, as a read of it would. The read is audited.
   */
  async list(p: Principal, q: { cursor?: string; limit?: number }): Promise<{ items: BookingView[]; nextCursor: string | null }> {
    const { limit, after } = readTimePage(q);
    return this.dataSource.transaction(async (em) => {
      let personId: string | null | undefined;
      if (p.kind === 'user' && p.role === 'resident')
        personId = p.identity
          ? ((await this.medical.personByKey(em, this.config.cityCode, this.seal.personKey(p.identity.idNumber)))?.id ?? null)
          : null;
      const rows =
        personId === null
          ? []
          : await queryRows<BookingRow & { k: string }>(
              em,
              `SELECT *, (extract(epoch FROM requested_at) * 1000000)::bigint::text AS k FROM medical.booking
                WHERE ($1::uuid IS NULL OR person_id = $1)
                  AND ($2::bigint IS NULL OR (extract(epoch FROM requested_at) * 1000000)::bigint < $2
                       OR ((extract(epoch FROM requested_at) * 1000000)::bigint = $2 AND id > $3::uuid))
                ORDER BY requested_at DESC, id LIMIT $4 FOR UPDATE`,
              [personId ?? null, after?.k ?? null, after?.i ?? null, limit + 1],
            );
      const { page, nextCursor } = timePage(rows, limit);
      const items: BookingView[] = [];
      for (const b of page) items.push(this.view(await this.timeOutIfDue(em, b)));
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.booking.list',
          resource: 'medical-booking:*',
          outcome: 'success',
          detail: { count: page.length, bookings: page.map((b) => b.id) },
        },
        em,
      );
      return { items, nextCursor };
    });
  }

  /**
   * The patient cancels (a resident their own booking, a clerk any of this city): a pending or confirmed booking whose time has
   * not come becomes `cancelled` and the hospital's city is told to release the place (booking-cancelled, reason patient; it
   * releases a held place once, and a request it has not answered yet is answered and then released, in order). Cancelling
   * again answers the same; a refused, timed-out or withdrawn booking, or one whose slot has started → MEDICAL_BOOKING_NOT_CANCELLABLE.
   */
  async cancel(p: Principal, id: string): Promise<BookingView> {
    return this.dataSource.transaction(async (em) => {
      let b = await this.row(em, id, true);
      if (!b || !(await this.mayRead(em, p, b))) throw medicalError('MEDICAL_BOOKING_NOT_FOUND', { detail: `no booking ${id} of yours` });
      b = await this.timeOutIfDue(em, b);
      if (b.state === 'cancelled') return this.view(b);
      const now = this.clock.now();
      if (b.state !== 'pending' && b.state !== 'confirmed')
        throw medicalError('MEDICAL_BOOKING_NOT_CANCELLABLE', { detail: `the booking is ${b.state}` });
      if (b.slot_starts_at && new Date(b.slot_starts_at).getTime() <= now.getTime())
        throw medicalError('MEDICAL_BOOKING_NOT_CANCELLABLE', {
          detail: `the slot started at ${new Date(b.slot_starts_at).toISOString()}`,
        });
      await em.query(`UPDATE medical.booking SET state = 'cancelled', cancelled_at = $2 WHERE id = $1`, [b.id, now]);
      await this.outbox.add(em, {
        contract: MedicalBookingCancelledV1,
        domain: 'medical',
        subject: b.id,
        toCity: b.hospital_city,
        data: { bookingId: b.id, reason: 'patient', cancelledAt: now.toISOString() },
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.booking.cancel',
          resource: `medical-booking:${b.id}`,
          outcome: 'success',
          detail: { was: b.state },
        },
        em,
      );
      return this.view({ ...b, state: 'cancelled', cancelled_at: now });
    });
  }

  // ---- the hospital's city

  @HandlesEvent(MedicalBookingRequestedV1, { consumer: 'medical.booking' })
  async onRequested(event: ReceivedEvent<MedicalBookingRequested>, em: EntityManager): Promise<void> {
    const d = event.data;
    if (d.patientCity !== event.fromCity) throw new Error(`booking ${d.bookingId}: patientCity is not the sender`);
    const held = await queryRows<{ outcome: string }>(em, `SELECT outcome FROM medical.booking_hold WHERE booking_id = $1`, [d.bookingId]);
    if (held.length) return; // redelivered: answered once
    const now = this.clock.now();
    let refusal: BookingRefusal | null = null;
    let slot: { department: string; startsAt: string } | null = null;
    const found = await queryRows<{ department: string; starts_at: Date }>(
      em,
      `SELECT department, starts_at FROM medical.booking_slot s JOIN medical.hospital h ON h.hospital_code = s.hospital_code
        WHERE s.id = $1 AND s.hospital_code = $2 AND h.city_code = $3 AND s.withdrawn_at IS NULL`,
      [d.slotId, d.hospitalCode, this.config.cityCode],
    );
    if (!found.length) refusal = 'MEDICAL_SLOT_NOT_FOUND';
    else if (new Date(d.deadlineAt).getTime() <= now.getTime()) refusal = 'MEDICAL_BOOKING_EXPIRED';
    else {
      // One conditional UPDATE: concurrent bookings of the last place queue on the row; exactly one finds booked < capacity.
      if (await this.slotRows.take(em, d.slotId)) {
        slot = { department: found[0]!.department, startsAt: new Date(found[0]!.starts_at).toISOString() };
        await this.slots.announceById(em, d.slotId);
      } else
        // Full — or withdrawn by a 停诊 that committed while this request waited on the slot row: then it is not offered any more.
        refusal = (await this.slotRows.isWithdrawn(em, d.slotId)) ? 'MEDICAL_SLOT_NOT_FOUND' : 'MEDICAL_SLOT_FULL';
    }
    const outcome = slot ? 'confirmed' : 'refused';
    await em.query(
      `INSERT INTO medical.booking_hold (booking_id, slot_id, patient_city, patient_sealed, outcome, refusal, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        d.bookingId,
        d.slotId,
        event.fromCity,
        this.sealer.seal(JSON.stringify(d.patient), `medical.booking.patient:${d.bookingId}`),
        outcome,
        refusal,
        now,
      ],
    );
    await this.outbox.add(em, {
      contract: MedicalBookingAnsweredV1,
      domain: 'medical',
      subject: d.bookingId,
      toCity: event.fromCity,
      data: { bookingId: d.bookingId, outcome, refusal, slot, answeredAt: now.toISOString() },
    });
    await this.audit.record(
      {
        actor: `city:${event.fromCity}`,
        action: 'medical.booking.answer',
        resource: `medical-booking:${d.bookingId}`,
        outcome: slot ? 'success' : 'denied',
        detail: { hospitalCode: d.hospitalCode, slotId: d.slotId, refusal },
      },
      em,
    );
  }

  /**
   * The places held on one of the hospital's slots (the hospital's key; another hospital's slot → MEDICAL_SLOT_NOT_FOUND), in
   * the order they were confirmed, cursor-paged: who is coming (patient masked: name and ID number enough to match them at the
   * counter) and which places went back. The read is audited with the bookings shown.
   */
  async holds(
    p: PartnerPrincipal,
    slotId: string,
    q: { cursor?: string; limit?: number },
  ): Promise<{ items: SlotHoldView[]; nextCursor: string | null }> {
    const { limit, after } = readTimePage(q);
    return this.dataSource.transaction(async (em) => {
      const h = await partnerHospital(this.medical, em, p, this.config.cityCode);
      const slot = await this.slotRows.slot(em, slotId, this.config.cityCode);
      if (!slot || slot.hospital_code !== h.hospital_code)
        throw medicalError('MEDICAL_SLOT_NOT_FOUND', { detail: `no slot ${slotId} of ${h.hospital_code}` });
      const rows = await queryRows<{
        id: string;
        k: string;
        patient_city: string;
        patient_sealed: string;
        answered_at: Date;
        released_at: Date | null;
      }>(
        em,
        `SELECT booking_id AS id, (extract(epoch FROM answered_at) * 1000000)::bigint::text AS k, patient_city, patient_sealed, answered_at, released_at
           FROM medical.booking_hold
          WHERE slot_id = $1 AND outcome = 'confirmed'
            AND ($2::bigint IS NULL OR (extract(epoch FROM answered_at) * 1000000)::bigint > $2
                 OR ((extract(epoch FROM answered_at) * 1000000)::bigint = $2 AND booking_id > $3::uuid))
          ORDER BY answered_at, booking_id LIMIT $4`,
        [slotId, after?.k ?? null, after?.i ?? null, limit + 1],
      );
      const { page, nextCursor } = timePage(rows, limit);
      const items = page.map((r): SlotHoldView => {
        const patient = JSON.parse(this.sealer.open(r.patient_sealed, `medical.booking.patient:${r.id}`)) as {
          idNumber: string;
          name: string;
        };
        return {
          bookingId: r.id,
          patientCity: r.patient_city,
          patient: { name: maskName(patient.name), idNumber: maskIdNumber(patient.idNumber) },
          confirmedAt: new Date(r.answered_at).toISOString(),
          releasedAt: r.released_at ? new Date(r.released_at).toISOString() : null,
        };
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.booking.hold.list',
          resource: `medical-slot:${slotId}`,
          outcome: 'success',
          detail: { count: items.length, bookings: items.map((i) => i.bookingId) },
        },
        em,
      );
      return { items, nextCursor };
    });
  }

  /** The patient's city released a confirmation that came after its timeout: the place goes back to the slot, once. */
  @HandlesEvent(MedicalBookingCancelledV1, { consumer: 'medical.booking' })
  async onCancelled(event: ReceivedEvent<MedicalBookingCancelled>, em: EntityManager): Promise<void> {
    const released = await queryRows<{ slot_id: string }>(
      em,
      `UPDATE medical.booking_hold SET released_at = $2 WHERE booking_id = $1 AND patient_city = $3 AND outcome = 'confirmed' AND released_at IS NULL
       RETURNING slot_id`,
      [event.data.bookingId, this.clock.now(), event.fromCity],
    );
    if (released[0]) {
      await this.slotRows.release(em, released[0].slot_id);
      await this.slots.announceById(em, released[0].slot_id);
    }
  }

  // ---- the patient's city

  @HandlesEvent(MedicalBookingAnsweredV1, { consumer: 'medical.booking' })
  async onAnswered(event: ReceivedEvent<MedicalBookingAnswered>, em: EntityManager): Promise<void> {
    const d = event.data;
    let b = await this.row(em, d.bookingId, true);
    if (!b || b.hospital_city !== event.fromCity) throw new Error(`booking answer for unknown booking ${d.bookingId}`);
    b = await this.timeOutIfDue(em, b);
    if (b.state === 'pending') {
      await em.query(
        `UPDATE medical.booking SET state = $2, refusal = $3, slot_department = $4, slot_starts_at = $5, answered_at = $6 WHERE id = $1`,
        [b.id, d.outcome, d.refusal, d.slot?.department ?? null, d.slot?.startsAt ?? null, d.answeredAt],
      );
      return;
    }
    if (b.state !== 'timed-out' || b.late_outcome) return; // redelivered
    // Late: recorded, never reviving the booking; a late confirmation is released at the hospital.
    await em.query(`UPDATE medical.booking SET late_outcome = $2, late_answered_at = $3 WHERE id = $1`, [b.id, d.outcome, d.answeredAt]);
    if (d.outcome === 'confirmed')
      await this.outbox.add(em, {
        contract: MedicalBookingCancelledV1,
        domain: 'medical',
        subject: b.id,
        toCity: b.hospital_city,
        data: { bookingId: b.id, reason: 'timed-out', cancelledAt: this.clock.now().toISOString() },
      });
  }

  /**
   * 停诊 at the hospital's city (its places are released there): this city's bookings of the slot that are still pending or
   * confirmed end `withdrawn` with the hospital's reason; an answer arriving later changes nothing (it is no longer pending).
   * Audited, one record for the slot.
   */
  @HandlesEvent(MedicalSlotWithdrawnV1, { consumer: 'medical.booking' })
  async onSlotWithdrawn(event: ReceivedEvent<MedicalSlotWithdrawn>, em: EntityManager): Promise<void> {
    const d = event.data;
    const ended = await queryRows<{ id: string; was: string }>(
      em,
      `UPDATE medical.booking b SET state = 'withdrawn', refusal = 'MEDICAL_SLOT_WITHDRAWN', reason = $3, withdrawn_at = $4
         FROM (SELECT id, state AS was FROM medical.booking WHERE slot_id = $1 AND hospital_city = $2 AND state IN ('pending', 'confirmed') FOR UPDATE) o
        WHERE b.id = o.id RETURNING b.id, o.was`,
      [d.slotId, event.fromCity, WITHDRAWN_REASON(d.reason), d.withdrawnAt],
    );
    if (ended.length)
      await this.audit.record(
        {
          actor: `city:${event.fromCity}`,
          action: 'medical.booking.withdrawn',
          resource: `medical-slot:${d.slotId}`,
          outcome: 'success',
          detail: { hospitalCode: d.hospitalCode, reason: d.reason, bookings: ended.map((b) => ({ booking: b.id, was: b.was })) },
        },
        em,
      );
  }

  // ---- helpers

  private async timeOutIfDue(em: EntityManager, b: BookingRow): Promise<BookingRow> {
    if (b.state !== 'pending' || new Date(b.deadline_at).getTime() > this.clock.now().getTime()) return b;
    const reason = TIMED_OUT_REASON(BOOKING_TIMEOUT_MS);
    await em.query(`UPDATE medical.booking SET state = 'timed-out', refusal = 'MEDICAL_BOOKING_TIMED_OUT', reason = $2 WHERE id = $1`, [
      b.id,
      reason,
    ]);
    return { ...b, state: 'timed-out', refusal: 'MEDICAL_BOOKING_TIMED_OUT', reason };
  }

  private row(db: SqlRunner, id: string, lock = false): Promise<BookingRow | undefined> {
    return queryRow<BookingRow>(db, `SELECT * FROM medical.booking WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  }

  private async mayRead(em: EntityManager, p: Principal, b: BookingRow): Promise<boolean> {
    if (p.kind !== 'user') return false;
    if (p.role !== 'resident') return true;
    if (!p.identity) return false;
    const person = await this.medical.personByKey(em, this.config.cityCode, this.seal.personKey(p.identity.idNumber));
    return person?.id === b.person_id;
  }

  private patientOf(p: Principal, named?: { idNumber: string; name: string }): { idNumber: string; name: string } {
    if (p.kind === 'user' && p.role === 'resident') {
      if (!p.identity) throw medicalError('MEDICAL_PERSON_INVALID', { detail: 'a real-name-verified identity is required to book online' });
      if (named && normalizeResidentId(named.idNumber) !== p.identity.idNumber)
        throw medicalError('MEDICAL_PERSON_INVALID', { detail: 'residents book only for themselves' });
      return { idNumber: p.identity.idNumber, name: p.identity.name };
    }
    const idNumber = named ? normalizeResidentId(named.idNumber) : undefined;
    if (!named || !idNumber || !named.name.trim())
      throw medicalError('MEDICAL_PERSON_INVALID', { detail: 'person.idNumber (GB 11643) and person.name are required' });
    return { idNumber, name: named.name.trim() };
  }

  private view(b: BookingRow): BookingView {
    return {
      id: b.id,
      hospitalCity: b.hospital_city,
      hospitalCode: b.hospital_code,
      slotId: b.slot_id,
      state: b.state,
      refusal: b.refusal,
      reason: b.reason,
      slot:
        b.slot_department && b.slot_starts_at
          ? { department: b.slot_department, startsAt: new Date(b.slot_starts_at).toISOString() }
          : null,
      requestedAt: new Date(b.requested_at).toISOString(),
      deadlineAt: new Date(b.deadline_at).toISOString(),
      answeredAt: b.answered_at ? new Date(b.answered_at).toISOString() : null,
      lateAnswer: b.late_outcome && b.late_answered_at ? { outcome: b.late_outcome, at: new Date(b.late_answered_at).toISOString() } : null,
      cancelledAt: b.cancelled_at ? new Date(b.cancelled_at).toISOString() : null,
      withdrawnAt: b.withdrawn_at ? new Date(b.withdrawn_at).toISOString() : null,
    };
  }
}
