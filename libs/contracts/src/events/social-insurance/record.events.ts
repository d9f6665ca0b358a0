import { z } from 'zod';
import { defineEvent } from '../../event-type.js';
import { cityCodeSchema, contributionMonthSchema } from './social-insurance-common.schema.js';

export const RECORD_PURPOSES = ['own-record', 'pension-claim', 'transfer'] as const;
export type RecordPurpose = (typeof RECORD_PURPOSES)[number];

export const recordRequestedSchema = z.object({
  requestId: z.uuid(),
  /** Why, and for which case: a resident's own view (with consent), or a case the requesting city holds. */
  purpose: z.enum(RECORD_PURPOSES),
  caseId: z.uuid().optional(),
  requestedBy: z.object({ role: z.enum(['resident', 'clerk']), city: cityCodeSchema }),
  /** The resident's consent to assemble their record from other cities (own-record requests), or the case it is for. */
  consent: z.object({ given: z.literal(true), at: z.iso.datetime(), scope: z.string().max(200) }),
  /** The person (personal: sealed for the addressed city). */
  person: z.object({ idNumber: z.string().min(15).max(18) }),
});
export type RecordRequested = z.infer<typeof recordRequestedSchema>;

/**
 * Addressed to one city that may hold a person's contributions: asks for that named person's
 * record, for a stated purpose. Nothing is sent to a city that did not ask.
 */
export const RecordRequestedV1 = defineEvent<RecordRequested>({
  type: 'gov.guangfo.social-insurance.record-requested.v1',
  audience: 'addressed',
  schema: recordRequestedSchema,
  summary: "A city asks another for one named person's contribution record, with the purpose and the consent or case it is for.",
  personal: ['person'],
  example: {
    requestId: '6a0e7f3c-2b1d-4e5f-8a9b-0c1d2e3f4a5b',
    purpose: 'pension-claim',
    caseId: '1d2e3f4a-5b6c-4d7e-8f90-a1b2c3d4e5f6',
    requestedBy: { role: 'clerk', city: '440600' },
    consent: { given: true, at: '2026-12-01T02:00:00.000Z', scope: '养老保险待遇申领（省内归集）' },
    person: { idNumber: '440604196501010012' },
  },
});

export const recordReturnedSchema = z.object({
  requestId: z.uuid(),
  /** The answering city. */
  city: cityCodeSchema,
  /** Every month the city holds for the person (empty when none). Personal: sealed for the asking city. */
  months: z.array(contributionMonthSchema).max(1200),
});
export type RecordReturned = z.infer<typeof recordReturnedSchema>;

/** The answer to a record request, addressed to the asking city only. */
export const RecordReturnedV1 = defineEvent<RecordReturned>({
  type: 'gov.guangfo.social-insurance.record-returned.v1',
  audience: 'addressed',
  schema: recordReturnedSchema,
  summary: "A city answers a record request with the named person's contribution months it holds (possibly none).",
  personal: ['months'],
  example: {
    requestId: '6a0e7f3c-2b1d-4e5f-8a9b-0c1d2e3f4a5b',
    city: '440100',
    months: [
      {
        city: '440100',
        scheme: 'employee-pension',
        month: '2010-01',
        employerUscc: '91440101MA59XXXX0A',
        baseFen: 500000,
        employerFen: 70000,
        personalFen: 40000,
        personalAccountFen: 40000,
        refunded: false,
      },
    ],
  },
});
