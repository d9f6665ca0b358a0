import { z } from 'zod';
import { defineEvent } from '../../event-type.js';
import { cityCodeSchema, yearMonthSchema } from './social-insurance-common.schema.js';

const fen = z.number().int().nonnegative();

export const duplicateRefundRequestedSchema = z.object({
  refundId: z.uuid(),
  /** The claim or transfer whose aggregation found the duplicate. */
  caseId: z.uuid(),
  scheme: z.literal('employee-pension'),
  /** The months paid in both cities; the addressed city's are refunded, the sender's kept. */
  months: z.array(yearMonthSchema).min(1).max(600),
  keptCity: cityCodeSchema,
  person: z.object({ idNumber: z.string().min(15).max(18) }),
});
export type DuplicateRefundRequested = z.infer<typeof duplicateRefundRequestedSchema>;

/**
 * 重复缴费清退: the city that aggregates (claim or transfer) keeps one relationship for months paid
 * in two cities and asks the other to refund its months.
 */
export const DuplicateRefundRequestedV1 = defineEvent<DuplicateRefundRequested>({
  type: 'gov.guangfo.social-insurance.duplicate-refund-requested.v1',
  audience: 'addressed',
  schema: duplicateRefundRequestedSchema,
  summary: 'Months paid in two cities: the aggregating city keeps its own and asks the other to refund its months.',
  personal: ['person'],
  example: {
    refundId: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
    caseId: '1d2e3f4a-5b6c-4d7e-8f90-a1b2c3d4e5f6',
    scheme: 'employee-pension',
    months: ['2015-06'],
    keptCity: '440600',
    person: { idNumber: '440604196501010012' },
  },
});

export const duplicateRefundedSchema = z.object({
  refundId: z.uuid(),
  caseId: z.uuid(),
  city: cityCodeSchema,
  /** One line per month refunded now; months refunded before are listed in `alreadyRefunded` and not paid again. */
  lines: z.array(z.object({ month: yearMonthSchema, personalFen: fen, employerFen: fen })).max(600),
  alreadyRefunded: z.array(yearMonthSchema).max(600),
  refundFen: fen,
});
export type DuplicateRefunded = z.infer<typeof duplicateRefundedSchema>;

export const DuplicateRefundedV1 = defineEvent<DuplicateRefunded>({
  type: 'gov.guangfo.social-insurance.duplicate-refunded.v1',
  audience: 'addressed',
  schema: duplicateRefundedSchema,
  summary: 'The refunding city reports what it refunded for duplicate months (in fen; each month at most once).',
  example: {
    refundId: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
    caseId: '1d2e3f4a-5b6c-4d7e-8f90-a1b2c3d4e5f6',
    city: '440100',
    lines: [{ month: '2015-06', personalFen: 40000, employerFen: 70000 }],
    alreadyRefunded: [],
    refundFen: 110000,
  },
});
