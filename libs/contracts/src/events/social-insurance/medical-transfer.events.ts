import { z } from 'zod';
import { defineEvent } from '../../event-type.js';
import { civilDateSchema, cityCodeSchema, yearMonthSchema } from './social-insurance-common.schema.js';

/** 基本医疗保险关系转移接续 (医保办发〔2021〕43号): the new place asks, the old place releases within 10 working days, the new place continues within 5. */
export const MEDICAL_TRANSFER_STEPS = ['applied', 'released', 'continued'] as const;
export type MedicalTransferStep = (typeof MEDICAL_TRANSFER_STEPS)[number];

export const medicalTransferEntrySchema = z.object({
  seq: z.number().int().min(1),
  step: z.enum(MEDICAL_TRANSFER_STEPS),
  city: cityCodeSchema,
  at: z.iso.datetime(),
  on: civilDateSchema,
});
export type MedicalTransferEntry = z.infer<typeof medicalTransferEntrySchema>;

export const medicalTransferRequestedSchema = z.object({
  transferId: z.uuid(),
  fromCity: cityCodeSchema,
  toCity: cityCodeSchema,
  entry: medicalTransferEntrySchema,
  person: z.object({ idNumber: z.string().min(15).max(18), name: z.string().min(1).max(50) }),
});
export type MedicalTransferRequested = z.infer<typeof medicalTransferRequestedSchema>;

export const MedicalTransferRequestedV1 = defineEvent<MedicalTransferRequested>({
  type: 'gov.guangfo.social-insurance.medical-transfer-requested.v1',
  audience: 'addressed',
  schema: medicalTransferRequestedSchema,
  summary: 'The new place asks the old place to release a person’s basic medical insurance relationship (due within 10 working days).',
  personal: ['person'],
  example: {
    transferId: '6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e',
    fromCity: '440100',
    toCity: '440600',
    entry: { seq: 1, step: 'applied', city: '440600', at: '2026-12-01T02:00:00.000Z', on: '2026-12-01' },
    person: { idNumber: '440106199001010013', name: '陈小明' },
  },
});

export const medicalTransferReleasedSchema = z.object({
  transferId: z.uuid(),
  entry: medicalTransferEntrySchema,
  /** 参保凭证: the months insured at the old place (employee medical) and the last month paid. */
  insuredMonths: z.number().int().nonnegative(),
  lastPaidMonth: yearMonthSchema.nullable(),
});
export type MedicalTransferReleased = z.infer<typeof medicalTransferReleasedSchema>;

export const MedicalTransferReleasedV1 = defineEvent<MedicalTransferReleased>({
  type: 'gov.guangfo.social-insurance.medical-transfer-released.v1',
  audience: 'addressed',
  schema: medicalTransferReleasedSchema,
  summary:
    'The old place releases the medical insurance relationship: months insured and the last month paid (the new place continues within 5 working days).',
  example: {
    transferId: '6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e',
    entry: { seq: 2, step: 'released', city: '440100', at: '2026-12-08T02:00:00.000Z', on: '2026-12-08' },
    insuredMonths: 70,
    lastPaidMonth: '2026-08',
  },
});

export const medicalTransferContinuedSchema = z.object({
  transferId: z.uuid(),
  entry: medicalTransferEntrySchema,
  gap: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('continuous') }),
    z.object({ kind: z.literal('pay-up'), gapMonths: z.number().int().min(1).max(3), backDated: z.literal(true) }),
    z.object({ kind: z.literal('waiting-period'), gapMonths: z.number().int().min(4), maxWaitingMonths: z.number().int().max(6) }),
  ]),
});
export type MedicalTransferContinued = z.infer<typeof medicalTransferContinuedSchema>;

export const MedicalTransferContinuedV1 = defineEvent<MedicalTransferContinued>({
  type: 'gov.guangfo.social-insurance.medical-transfer-continued.v1',
  audience: 'addressed',
  schema: medicalTransferContinuedSchema,
  summary:
    'The new place has continued the medical insurance relationship, with how the gap is treated (pay-up ≤ 3 months, else a waiting period ≤ 6 months).',
  example: {
    transferId: '6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e',
    entry: { seq: 3, step: 'continued', city: '440600', at: '2026-12-10T02:00:00.000Z', on: '2026-12-10' },
    gap: { kind: 'pay-up', gapMonths: 2, backDated: true },
  },
});
