import { z } from 'zod';
import { defineEvent } from '../../event-type.js';
import { HOSPITAL_LEVELS, medicalSchemas } from './medical-common.schema.js';

const { cityCode } = medicalSchemas;
const BOOKING_ID = '5e6f7081-92a3-44b5-86c7-e8f90a1b2c3d';
const SLOT_ID = '6f708192-a3b4-45c6-97d8-f90a1b2c3d4e';

/** Why a hospital refuses a booking (stable codes, shown to the patient). */
export const BOOKING_REFUSALS = ['MEDICAL_SLOT_FULL', 'MEDICAL_SLOT_NOT_FOUND', 'MEDICAL_BOOKING_EXPIRED'] as const;
export type BookingRefusal = (typeof BOOKING_REFUSALS)[number];

export const medicalBookingRequestedSchema = z.object({
  bookingId: z.uuid(),
  patientCity: cityCode,
  hospitalCode: z.string().min(1).max(30),
  slotId: z.uuid(),
  requestedAt: z.iso.datetime(),
  /** After this instant the patient's city no longer waits: the hospital refuses instead of holding the slot. */
  deadlineAt: z.iso.datetime(),
  patient: z.object({ idNumber: z.string().min(15).max(18), name: z.string().min(1).max(100) }),
});
export type MedicalBookingRequested = z.infer<typeof medicalBookingRequestedSchema>;
/** 预约挂号互通: a resident books a slot at a hospital of the other city through their own city's node. */
export const MedicalBookingRequestedV1 = defineEvent<MedicalBookingRequested>({
  type: 'gov.guangfo.medical.booking-requested.v1',
  audience: 'addressed',
  schema: medicalBookingRequestedSchema,
  summary: "The patient's city asks a hospital of the other city for a slot (patient sealed); answered confirmed or refused.",
  personal: ['patient'],
  example: {
    bookingId: BOOKING_ID,
    patientCity: '440100',
    hospitalCode: 'H44060400001',
    slotId: SLOT_ID,
    requestedAt: '2026-03-05T01:00:00.000Z',
    deadlineAt: '2026-03-05T01:01:00.000Z',
    patient: { idNumber: '440106195501010011', name: '陈老伯' },
  },
});

export const medicalBookingAnsweredSchema = z.object({
  bookingId: z.uuid(),
  outcome: z.enum(['confirmed', 'refused']),
  refusal: z.enum(BOOKING_REFUSALS).nullable(),
  slot: z.object({ department: z.string().min(1).max(100), startsAt: z.iso.datetime() }).nullable(),
  answeredAt: z.iso.datetime(),
});
export type MedicalBookingAnswered = z.infer<typeof medicalBookingAnsweredSchema>;
export const MedicalBookingAnsweredV1 = defineEvent<MedicalBookingAnswered>({
  type: 'gov.guangfo.medical.booking-answered.v1',
  audience: 'addressed',
  schema: medicalBookingAnsweredSchema,
  summary: "The hospital's city answers a booking: confirmed (the slot is held) or refused with a stable code.",
  example: {
    bookingId: BOOKING_ID,
    outcome: 'confirmed',
    refusal: null,
    slot: { department: '心血管内科', startsAt: '2026-03-10T01:00:00.000Z' },
    answeredAt: '2026-03-05T01:00:01.000Z',
  },
});

export const medicalBookingCancelledSchema = z.object({
  bookingId: z.uuid(),
  /** timed-out: a confirmation arrived after the patient's city stopped waiting; patient: the patient cancelled the booking. */
  reason: z.enum(['timed-out', 'patient']),
  cancelledAt: z.iso.datetime(),
});
export type MedicalBookingCancelled = z.infer<typeof medicalBookingCancelledSchema>;
export const MedicalBookingCancelledV1 = defineEvent<MedicalBookingCancelled>({
  type: 'gov.guangfo.medical.booking-cancelled.v1',
  audience: 'addressed',
  schema: medicalBookingCancelledSchema,
  summary:
    "The patient's city releases a booking's slot: confirmed after it had stopped waiting (timed-out), or cancelled by the patient (patient).",
  example: { bookingId: BOOKING_ID, reason: 'timed-out', cancelledAt: '2026-03-05T01:02:00.000Z' },
});

export const medicalSlotOfferedSchema = z.object({
  slotId: z.uuid(),
  hospitalCode: z.string().min(1).max(30),
  hospitalName: z.string().min(1).max(100),
  hospitalLevel: z.enum(HOSPITAL_LEVELS),
  department: z.string().min(1).max(100),
  startsAt: z.iso.datetime(),
  capacity: z.number().int().min(1).max(10_000),
  booked: z.number().int().min(0).max(10_000),
  /** Grows with every change of the slot at the hospital's city: a replica keeps the highest. */
  version: z.number().int().min(1),
});
export type MedicalSlotOffered = z.infer<typeof medicalSlotOfferedSchema>;
/** 预约挂号互通: the slots a hospital offers, and how many places are left, so the other city's residents can find them. */
export const MedicalSlotOfferedV1 = defineEvent<MedicalSlotOffered>({
  type: 'gov.guangfo.medical.slot-offered.v1',
  audience: 'broadcast',
  schema: medicalSlotOfferedSchema,
  summary:
    "A hospital's city announces a bookable slot and its places left (public data): when the slot is offered and whenever a booking takes or releases a place.",
  example: {
    slotId: SLOT_ID,
    hospitalCode: 'H44060400001',
    hospitalName: '佛山示范医院',
    hospitalLevel: 'tertiary',
    department: '心血管内科',
    startsAt: '2026-03-10T01:00:00.000Z',
    capacity: 20,
    booked: 3,
    version: 4,
  },
});

export const medicalSlotWithdrawnSchema = z.object({
  slotId: z.uuid(),
  hospitalCode: z.string().min(1).max(30),
  /** Why, in the hospital's words (e.g. 专家停诊), shown to the patients whose bookings it ends. */
  reason: z.string().min(1).max(200),
  withdrawnAt: z.iso.datetime(),
  /** The slot's version after the withdrawal (higher than any slot-offered of it). */
  version: z.number().int().min(1),
});
export type MedicalSlotWithdrawn = z.infer<typeof medicalSlotWithdrawnSchema>;
/**
 * 预约挂号互通, 停诊: a hospital withdraws a slot before it starts. Its city releases every place held on it and tells every
 * city (broadcast, public data, same subject as the slot's offers so it comes after them): each drops the slot from its
 * listing and ends its own residents' bookings of it (`withdrawn`, with the reason).
 */
export const MedicalSlotWithdrawnV1 = defineEvent<MedicalSlotWithdrawn>({
  type: 'gov.guangfo.medical.slot-withdrawn.v1',
  audience: 'broadcast',
  schema: medicalSlotWithdrawnSchema,
  summary:
    "A hospital's city withdraws a slot (停诊) and has released its places: every city drops it from its listing and ends its own residents' bookings of it.",
  example: {
    slotId: SLOT_ID,
    hospitalCode: 'H44060400001',
    reason: '专家停诊',
    withdrawnAt: '2026-03-08T02:00:00.000Z',
    version: 5,
  },
});
