import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type MedicalSlotOffered, MedicalSlotOfferedV1, type MedicalSlotWithdrawn, MedicalSlotWithdrawnV1 } from '@guangfo/contracts';
import { Clock, cursorField, cursorShape, decodeCursor, encodeCursor } from '@guangfo/kernel';
import { HandlesEvent, OutboxService, type ReceivedEvent } from '@guangfo/messaging';
import { actorOf, AuditService, CityRegistry, NODE_CONFIG, type NodeConfig, type PartnerPrincipal } from '@guangfo/platform';
import { medicalError } from '../medical.errors.js';
import { MedicalRepository } from '../infrastructure/medical.repository.js';
import { type SlotOfferRow, SlotRepository, type SlotRow } from '../infrastructure/slot.repository.js';
import { partnerHospital } from './partner-hospital.js';

/** How far ahead a hospital may offer a slot. */
export const SLOT_MAX_DAYS_AHEAD = 180;

export interface SlotView {
  slotId: string;
  hospitalCity: string;
  hospitalCode: string;
  hospitalName: string;
  hospitalLevel: string;
  department: string;
  startsAt: string;
  capacity: number;
  /** Places left as the hospital's city last announced them (a booking may still find the slot full). */
  remaining: number;
  /** 停诊: when and why the hospital withdrew the slot (only the hospital's own answers show one: a withdrawn slot is not listed). */
  withdrawn: { at: string; reason: string } | null;
}

/** Slot page cursor: start time (ISO) and id of the last row. */
type SlotCursor = {
  s: string;
  i: string;
};
const isSlotCursor = cursorShape<SlotCursor>({ s: cursorField.instant, i: cursorField.uuid });

/**
 * 预约挂号互通, finding a slot. A designated hospital offers slots at its own city's node (partner key bound to it); its city
 * announces each slot and its places left to the other cities (slot-offered, public data, broadcast) when it is offered and
 * whenever a booking takes or releases a place. The patient's city keeps the latest announcement of each slot (by version) and
 * lists them to its residents and clerks, so a resident finds a slot at their own node and books it (BookingService). The count
 * is as last announced: the hospital's city decides at booking time (a slot shown with places may answer MEDICAL_SLOT_FULL).
 */
@Injectable()
export class SlotService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: CityRegistry,
    private readonly dataSource: DataSource,
    private readonly slots: SlotRepository,
    private readonly medical: MedicalRepository,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** A hospital offers a slot (its department, start and places). */
  async offer(p: PartnerPrincipal, cmd: { department: string; startsAt: string; capacity: number }): Promise<SlotView> {
    const now = this.clock.now().getTime();
    const startsAt = Date.parse(cmd.startsAt);
    if (startsAt <= now || startsAt > now + SLOT_MAX_DAYS_AHEAD * 86_400_000)
      throw medicalError('MEDICAL_SLOT_INVALID', {
        detail: `startsAt must be in the future and at most ${SLOT_MAX_DAYS_AHEAD} days ahead`,
        fieldErrors: [{ field: 'startsAt', rule: 'window', message: `after now, within ${SLOT_MAX_DAYS_AHEAD} days` }],
      });
    return this.dataSource.transaction(async (em) => {
      const h = await partnerHospital(this.medical, em, p, this.config.cityCode);
      const id = randomUUID();
      await this.slots.insert(em, {
        id,
        hospitalCode: h.hospital_code,
        department: cmd.department.trim(),
        startsAt: new Date(startsAt).toISOString(),
        capacity: cmd.capacity,
      });
      const row = (await this.slots.slot(em, id, this.config.cityCode))!;
      await this.announce(em, row);
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.slot.offer',
          resource: `medical-slot:${id}`,
          outcome: 'success',
          detail: { hospitalCode: h.hospital_code, department: row.department, capacity: row.capacity },
        },
        em,
      );
      return this.view({ ...row, slot_id: row.id });
    });
  }

  /**
   * 停诊: the hospital withdraws one of its slots before it starts. In one transaction (the slot row locked, so no booking
   * takes a place meanwhile): no more bookings of it (a request arriving later is refused MEDICAL_SLOT_NOT_FOUND), every
   * place held on it released, and every city told (slot-withdrawn, broadcast, the slot's subject): each drops it from its
   * listing and ends its own residents' bookings of it with the reason. Withdrawing again answers the same; another
   * hospital's slot → MEDICAL_SLOT_NOT_FOUND; a slot that has started → MEDICAL_SLOT_STARTED. Audited.
   */
  async withdraw(p: PartnerPrincipal, slotId: string, cmd: { reason: string }): Promise<SlotView> {
    const reason = cmd.reason.trim();
    if (!reason)
      throw medicalError('MEDICAL_SLOT_INVALID', {
        detail: 'reason is required',
        fieldErrors: [{ field: 'reason', rule: 'required', message: 'why the slot is withdrawn (e.g. 专家停诊)' }],
      });
    return this.dataSource.transaction(async (em) => {
      const h = await partnerHospital(this.medical, em, p, this.config.cityCode);
      const slot = await this.slots.slotOfHospital(em, slotId, h.hospital_code, this.config.cityCode);
      if (!slot) throw medicalError('MEDICAL_SLOT_NOT_FOUND', { detail: `no slot ${slotId} of ${h.hospital_code}` });
      if (slot.withdrawn_at) return this.view({ ...slot, slot_id: slot.id });
      const now = this.clock.now();
      if (new Date(slot.starts_at).getTime() <= now.getTime())
        throw medicalError('MEDICAL_SLOT_STARTED', { detail: `the slot started at ${new Date(slot.starts_at).toISOString()}` });
      const released = await this.slots.withdraw(em, slot.id, reason, now);
      const row = (await this.slots.slot(em, slot.id, this.config.cityCode))!;
      await this.outbox.add(em, {
        contract: MedicalSlotWithdrawnV1,
        domain: 'medical',
        subject: `slot:${row.id}`,
        data: { slotId: row.id, hospitalCode: row.hospital_code, reason, withdrawnAt: now.toISOString(), version: row.version },
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.slot.withdraw',
          resource: `medical-slot:${row.id}`,
          outcome: 'success',
          detail: {
            hospitalCode: row.hospital_code,
            reason,
            released: released.length,
            bookings: released.map((b) => ({ booking: b.booking_id, city: b.patient_city })),
          },
        },
        em,
      );
      return this.view({ ...row, slot_id: row.id });
    });
  }

  /** Slots of hospitals of another city, starting from now (or `from`), earliest first, cursor-paged. */
  async list(q: {
    hospitalCity: string;
    department?: string;
    hospitalCode?: string;
    from?: string;
    cursor?: string;
    limit?: number;
  }): Promise<{ items: SlotView[]; nextCursor: string | null }> {
    if (!this.registry.get(q.hospitalCity) || q.hospitalCity === this.config.cityCode)
      throw medicalError('MEDICAL_CITY_UNKNOWN', { detail: `hospitalCity ${q.hospitalCity} must be another city of the registry` });
    let after: SlotCursor | undefined;
    if (q.cursor) {
      after = decodeCursor(q.cursor, isSlotCursor);
      if (!after) throw medicalError('MEDICAL_INVALID_CURSOR', { detail: 'cursor is not one this API returned' });
    }
    const limit = q.limit ?? 20;
    const now = this.clock.now();
    const from = q.from && Date.parse(q.from) > now.getTime() ? new Date(q.from) : now;
    const rows = await this.slots.offers(this.dataSource, {
      city: q.hospitalCity,
      from,
      department: q.department,
      hospitalCode: q.hospitalCode,
      after,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => this.view(r)),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ s: new Date(last.starts_at).toISOString(), i: last.slot_id } satisfies SlotCursor)
          : null,
    };
  }

  /** Announces a slot of this city as it now stands (in the caller's transaction). */
  async announce(em: EntityManager, s: SlotRow): Promise<void> {
    await this.outbox.add(em, {
      contract: MedicalSlotOfferedV1,
      domain: 'medical',
      subject: `slot:${s.id}`,
      data: {
        slotId: s.id,
        hospitalCode: s.hospital_code,
        hospitalName: s.hospital_name,
        hospitalLevel: s.hospital_level,
        department: s.department,
        startsAt: new Date(s.starts_at).toISOString(),
        capacity: s.capacity,
        booked: s.booked,
        version: s.version,
      },
    });
  }

  /** Announces slot `id` of this city after a change (a booking took or released a place). */
  async announceById(em: EntityManager, id: string): Promise<void> {
    const s = await this.slots.slot(em, id, this.config.cityCode);
    if (s) await this.announce(em, s);
  }

  @HandlesEvent(MedicalSlotOfferedV1, { consumer: 'medical.slot-offers' })
  async onOffered(event: ReceivedEvent<MedicalSlotOffered>, em: EntityManager): Promise<void> {
    const d = event.data;
    // A city offers its own hospitals' slots only (the signature proves the sender; hospitals are registry data).
    const hospital = await this.medical.hospitalByCode(em, d.hospitalCode);
    if (hospital && hospital.city_code !== event.fromCity)
      throw new Error(`slot ${d.slotId} of ${d.hospitalCode} offered by ${event.fromCity}`);
    await this.slots.saveOffer(
      em,
      {
        slot_id: d.slotId,
        hospital_city: event.fromCity,
        hospital_code: d.hospitalCode,
        hospital_name: d.hospitalName,
        hospital_level: d.hospitalLevel,
        department: d.department,
        starts_at: d.startsAt,
        capacity: d.capacity,
        booked: d.booked,
        version: d.version,
      },
      this.clock.now(),
    );
  }

  /** Another city withdrew one of its slots: never listed here again (its own residents' bookings: BookingService). */
  @HandlesEvent(MedicalSlotWithdrawnV1, { consumer: 'medical.slot-offers' })
  async onWithdrawn(event: ReceivedEvent<MedicalSlotWithdrawn>, em: EntityManager): Promise<void> {
    const d = event.data;
    await this.slots.withdrawOffer(em, { slotId: d.slotId, city: event.fromCity, reason: d.reason, at: d.withdrawnAt, version: d.version });
  }

  private view(r: SlotOfferRow & { withdrawn_at?: Date | null; withdrawn_reason?: string | null }): SlotView {
    return {
      slotId: r.slot_id,
      hospitalCity: r.hospital_city,
      hospitalCode: r.hospital_code,
      hospitalName: r.hospital_name,
      hospitalLevel: r.hospital_level,
      department: r.department,
      startsAt: new Date(r.starts_at).toISOString(),
      capacity: r.capacity,
      remaining: r.withdrawn_at ? 0 : Math.max(0, r.capacity - r.booked),
      withdrawn: r.withdrawn_at ? { at: new Date(r.withdrawn_at).toISOString(), reason: r.withdrawn_reason ?? '' } : null,
    };
  }
}
