import { z } from 'zod';
import { defineEvent, type EventContract } from '../../event-type.js';
import { civilDateSchema, cityCodeSchema, contributionMonthSchema, yearMonthSchema } from './social-insurance-common.schema.js';

/**
 * 跨省转移接续 of the basic pension (国办发〔2009〕66号 art. 8): the application at the new place,
 * the 联系函 from the new place to the old within 15 working days, the record and funds from the
 * old place within 15 working days of the letter, 接续 at the new place within 15 working days of
 * the funds. Each step is one entry of a timeline both cities keep.
 */
export const TRANSFER_STEPS = ['applied', 'contact-letter-sent', 'funds-transferred', 'continued'] as const;
export type TransferStep = (typeof TRANSFER_STEPS)[number];

export const transferEntrySchema = z.object({
  seq: z.number().int().min(1),
  step: z.enum(TRANSFER_STEPS),
  city: cityCodeSchema,
  at: z.iso.datetime(),
  /** Civil date (Asia/Shanghai) the step was taken: deadlines count from it. */
  on: civilDateSchema,
  actor: z.object({ role: z.enum(['resident', 'clerk']), city: cityCodeSchema }),
  note: z.string().max(500).optional(),
});
export type TransferEntry = z.infer<typeof transferEntrySchema>;

const fen = z.number().int().nonnegative();

/** What a transfer moves, in fen (the calculator's result; see docs/social-insurance.md for the rounding rule). */
export const transferAmountsSchema = z.object({
  personalAccount: z.object({
    preReformFen: fen,
    fromReformFen: fen,
    interestFen: fen,
    totalFen: fen,
    yearsWithoutRate: z.array(z.number().int()),
  }),
  pooled: z.object({
    years: z.array(z.object({ year: z.number().int(), months: z.number().int().min(1).max(12), baseSumFen: fen, pooledFen: fen })),
    totalFen: fen,
  }),
  totalFen: fen,
});
export type TransferAmounts = z.infer<typeof transferAmountsSchema>;

export const transferContactLetterSchema = z.object({
  transferId: z.uuid(),
  fromCity: cityCodeSchema,
  toCity: cityCodeSchema,
  /** The 参保缴费凭证 the person handed in at the new place (number issued by the old place). */
  certificateNo: z.string().min(1).max(64),
  /** 临时基本养老保险缴费账户: a man of 50 or more or a woman of 40 or more insured outside the hukou province (art. 6). */
  temporaryAccount: z.boolean(),
  entries: z.array(transferEntrySchema).min(2).max(2),
  /** Employee-pension months the new place already holds for the person (duplicates are refunded by the old place). Personal: sealed. */
  heldMonths: z.array(yearMonthSchema).max(1200),
  person: z.object({ idNumber: z.string().min(15).max(18), name: z.string().min(1).max(50) }),
});
export type TransferContactLetter = z.infer<typeof transferContactLetterSchema>;

export const TransferContactLetterV1 = defineEvent<TransferContactLetter>({
  type: 'gov.guangfo.social-insurance.transfer-contact-letter.v1',
  audience: 'addressed',
  schema: transferContactLetterSchema,
  summary: 'The new place sends the 联系函 of a cross-province pension transfer to the old place (with the application entry).',
  personal: ['person', 'heldMonths'],
  example: {
    transferId: '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    fromCity: '440100',
    toCity: '430100',
    certificateNo: 'PZ-440100-2026-000123',
    temporaryAccount: false,
    entries: [
      {
        seq: 1,
        step: 'applied',
        city: '430100',
        at: '2026-12-01T02:00:00.000Z',
        on: '2026-12-01',
        actor: { role: 'clerk', city: '430100' },
      },
      {
        seq: 2,
        step: 'contact-letter-sent',
        city: '430100',
        at: '2026-12-03T02:00:00.000Z',
        on: '2026-12-03',
        actor: { role: 'clerk', city: '430100' },
      },
    ],
    heldMonths: [],
    person: { idNumber: '440106198501010016', name: '张三' },
  },
});

export const transferFundsSentSchema = z.object({
  transferId: z.uuid(),
  entry: transferEntrySchema,
  amounts: transferAmountsSchema,
  /** The months the amounts were computed from (the record that moves). Personal: sealed. */
  months: z.array(contributionMonthSchema).max(1200),
  /** 转移基金 as an inter-city transfer record: the old place's fund pays, the new place's fund receives. */
  fundTransfer: z.object({ reference: z.string().min(1).max(64), fromCity: cityCodeSchema, toCity: cityCodeSchema, amountFen: fen }),
  /** Months the new place also holds: refunded by the old place (the new place keeps its relationship), left out of the amounts. */
  refund: z.object({ months: z.array(yearMonthSchema).max(1200), refundFen: fen }),
});
export type TransferFundsSent = z.infer<typeof transferFundsSentSchema>;

export const TransferFundsSentV1 = defineEvent<TransferFundsSent>({
  type: 'gov.guangfo.social-insurance.transfer-funds-sent.v1',
  audience: 'addressed',
  schema: transferFundsSentSchema,
  summary: 'The old place sends the record and the funds of a cross-province pension transfer (amounts in fen).',
  personal: ['months'],
  example: {
    transferId: '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    entry: {
      seq: 3,
      step: 'funds-transferred',
      city: '440100',
      at: '2026-12-10T02:00:00.000Z',
      on: '2026-12-10',
      actor: { role: 'clerk', city: '440100' },
    },
    amounts: {
      personalAccount: { preReformFen: 0, fromReformFen: 96000, interestFen: 0, totalFen: 96000, yearsWithoutRate: [] },
      pooled: { years: [{ year: 2025, months: 12, baseSumFen: 6000000, pooledFen: 720000 }], totalFen: 720000 },
      totalFen: 816000,
    },
    months: [],
    fundTransfer: { reference: 'ZY-440100-9b8a7c6d', fromCity: '440100', toCity: '430100', amountFen: 816000 },
    refund: { months: [], refundFen: 0 },
  },
});

export const transferContinuedSchema = z.object({
  transferId: z.uuid(),
  entry: transferEntrySchema,
  /** What arrived, as the new place booked it: equals what left. */
  receivedFen: fen,
});
export type TransferContinued = z.infer<typeof transferContinuedSchema>;

export const TransferContinuedV1 = defineEvent<TransferContinued>({
  type: 'gov.guangfo.social-insurance.transfer-continued.v1',
  audience: 'addressed',
  schema: transferContinuedSchema,
  summary: 'The new place has continued (接续) a cross-province pension transfer and booked the funds; the old place closes its copy.',
  example: {
    transferId: '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    entry: {
      seq: 4,
      step: 'continued',
      city: '430100',
      at: '2026-12-15T02:00:00.000Z',
      on: '2026-12-15',
      actor: { role: 'clerk', city: '430100' },
    },
    receivedFen: 816000,
  },
});

export const TRANSFER_EVENT_CONTRACTS: readonly EventContract<any>[] = [TransferContactLetterV1, TransferFundsSentV1, TransferContinuedV1];
