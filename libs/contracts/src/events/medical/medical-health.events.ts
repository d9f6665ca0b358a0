import { z } from 'zod';
import { defineEvent } from '../../event-type.js';
import { medicalSchemas } from './medical-common.schema.js';

const { civilDate, cityCode } = medicalSchemas;
const REQUEST_ID = '3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b';
const CONSENT_ID = '4d5e6f70-8192-43a4-b5c6-d7e8f90a1b2c';

/** Why a patient's city does not share a summary (stable codes, the same in the hospital's API). */
export const HEALTH_SUMMARY_REFUSALS = [
  'MEDICAL_CONSENT_MISSING',
  'MEDICAL_CONSENT_EXPIRED',
  'MEDICAL_CONSENT_REVOKED',
  'MEDICAL_HEALTH_RECORD_MISSING',
] as const;
export type HealthSummaryRefusal = (typeof HEALTH_SUMMARY_REFUSALS)[number];

/** The 电子健康档案 summary shared with a hospital: no visit notes, only what a treating doctor needs first. */
export const healthSummarySchema = z.object({
  bloodType: z.string().max(10).nullable(),
  allergies: z.array(z.string().min(1).max(200)).max(50),
  conditions: z.array(z.string().min(1).max(200)).max(50),
  medications: z.array(z.string().min(1).max(200)).max(50),
  updatedOn: civilDate,
});
export type HealthSummary = z.infer<typeof healthSummarySchema>;

export const medicalHealthSummaryRequestedSchema = z.object({
  requestId: z.uuid(),
  hospitalCity: cityCode,
  hospitalCode: z.string().min(1).max(30),
  hospitalName: z.string().min(1).max(200),
  purpose: z.string().min(1).max(40),
  requestedAt: z.iso.datetime(),
  patient: z.object({ idNumber: z.string().min(15).max(18) }),
});
export type MedicalHealthSummaryRequested = z.infer<typeof medicalHealthSummaryRequestedSchema>;
/** A hospital of one city asks, through its city's node, for a patient's health-record summary held by the patient's city. */
export const MedicalHealthSummaryRequestedV1 = defineEvent<MedicalHealthSummaryRequested>({
  type: 'gov.guangfo.medical.health-summary-requested.v1',
  audience: 'addressed',
  schema: medicalHealthSummaryRequestedSchema,
  summary:
    "A hospital asks the patient's city for their 电子健康档案 summary for a purpose (patient sealed); shared only under the patient's consent.",
  personal: ['patient'],
  example: {
    requestId: REQUEST_ID,
    hospitalCity: '440600',
    hospitalCode: 'H440600000001',
    hospitalName: '佛山示范医院',
    purpose: 'treatment',
    requestedAt: '2026-03-05T01:30:00.000Z',
    patient: { idNumber: '440106195501010011' },
  },
});

export const medicalHealthSummaryAnsweredSchema = z.object({
  requestId: z.uuid(),
  outcome: z.enum(['shared', 'refused']),
  refusal: z.enum(HEALTH_SUMMARY_REFUSALS).nullable(),
  consentId: z.uuid().nullable(),
  consentExpiresAt: z.iso.datetime().nullable(),
  answeredAt: z.iso.datetime(),
  /** Present when shared; sealed for the hospital's city. */
  summary: healthSummarySchema.nullable(),
});
export type MedicalHealthSummaryAnswered = z.infer<typeof medicalHealthSummaryAnsweredSchema>;
/** The patient's city answers: the summary (sealed) under a valid consent for that hospital and purpose, or a refusal code. */
export const MedicalHealthSummaryAnsweredV1 = defineEvent<MedicalHealthSummaryAnswered>({
  type: 'gov.guangfo.medical.health-summary-answered.v1',
  audience: 'addressed',
  schema: medicalHealthSummaryAnsweredSchema,
  summary:
    "The patient's city shares the health-record summary under the patient's consent (summary sealed), or refuses with a stable code.",
  personal: ['summary'],
  example: {
    requestId: REQUEST_ID,
    outcome: 'shared',
    refusal: null,
    consentId: CONSENT_ID,
    consentExpiresAt: '2026-06-30T16:00:00.000Z',
    answeredAt: '2026-03-05T01:30:01.000Z',
    summary: { bloodType: 'A+', allergies: ['青霉素'], conditions: ['高血压'], medications: ['氨氯地平 5mg qd'], updatedOn: '2026-02-20' },
  },
});
