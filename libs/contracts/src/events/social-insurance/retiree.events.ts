import { z } from 'zod';
import { defineEvent } from '../../event-type.js';
import { civilDateSchema, cityCodeSchema } from './social-insurance-common.schema.js';

export const eligibilityConfirmedSchema = z.object({
  confirmationId: z.uuid(),
  /** Where the retiree lives and was confirmed (the sender). */
  residenceCity: cityCodeSchema,
  confirmedOn: civilDateSchema,
  method: z.enum(['face-recognition', 'in-person', 'data-comparison']),
  person: z.object({ idNumber: z.string().min(15).max(18) }),
});
export type EligibilityConfirmed = z.infer<typeof eligibilityConfirmedSchema>;

/** 待遇领取资格认证: the city where a retiree lives tells the paying city that it confirmed the retiree's eligibility. */
export const EligibilityConfirmedV1 = defineEvent<EligibilityConfirmed>({
  type: 'gov.guangfo.social-insurance.eligibility-confirmed.v1',
  audience: 'addressed',
  schema: eligibilityConfirmedSchema,
  summary: "The retiree's city of residence confirmed their pension eligibility; the paying city renews it for 12 months.",
  personal: ['person'],
  example: {
    confirmationId: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
    residenceCity: '440600',
    confirmedOn: '2026-12-01',
    method: 'face-recognition',
    person: { idNumber: '440106195801010010' },
  },
});

export const benefitStopNotifiedSchema = z.object({
  noticeId: z.uuid(),
  residenceCity: cityCodeSchema,
  kind: z.enum(['death', 'imprisonment']),
  /** Date of death, or of the start of the prison term. */
  eventDate: civilDateSchema,
  person: z.object({ idNumber: z.string().min(15).max(18) }),
});
export type BenefitStopNotified = z.infer<typeof benefitStopNotifiedSchema>;

/** A death or imprisonment registered where a retiree lives, told to the paying city: payment stops from the next month. */
export const BenefitStopNotifiedV1 = defineEvent<BenefitStopNotified>({
  type: 'gov.guangfo.social-insurance.benefit-stop-notified.v1',
  audience: 'addressed',
  schema: benefitStopNotifiedSchema,
  summary:
    'A death or imprisonment notice for a retiree paid by the addressed city: payment stops from the next month, later payments are recovered.',
  personal: ['person'],
  example: {
    noticeId: '3d4e5f6a-7b8c-4d9e-8f01-2a3b4c5d6e7f',
    residenceCity: '440600',
    kind: 'death',
    eventDate: '2026-10-15',
    person: { idNumber: '440106195801010010' },
  },
});
