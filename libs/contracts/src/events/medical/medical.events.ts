import { z } from 'zod';
import { defineEvent } from '../../event-type.js';
import {
  FILING_KINDS,
  fenSchema,
  HOSPITAL_LEVELS,
  insuredPolicySchema,
  medicalSchemas,
  POTS,
  settlementTotalsSchema,
  treatingCatalogueSchema,
  VISIT_TYPES,
} from './medical-common.schema.js';

const { civilDate, cityCode } = medicalSchemas;
const AT = '2026-03-02T01:00:00.000Z';
const PERSON_ID = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';
const FILING_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const SETTLEMENT_ID = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
const STATEMENT_ID = '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901';
const TOTALS = {
  medfee_sumamt: 77_000,
  fulamt_ownpay_amt: 51_000,
  overlmt_selfpay: 500,
  preselfpay_amt: 2_000,
  inscp_scp_amt: 23_500,
  act_pay_dedc: 10_000,
  hifp_pay: 8_100,
  fund_pay_sumamt: 8_100,
  acct_pay: 5_000,
  psn_cash_pay: 63_900,
};
const DEMO_POLICY = {
  city: '440100',
  version: 'demo-2026.1',
  effectiveFrom: '2026-01-01',
  source: 'DEMO — fictional figures, not Guangzhou policy (seeds/medical/policies)',
  demo: true,
  deductibleFen: {
    outpatient: { primary: 0, secondary: 5_000, tertiary: 10_000 },
    inpatient: { primary: 30_000, secondary: 60_000, tertiary: 100_000 },
  },
  ratioBp: {
    outpatient: { primary: 8_000, secondary: 7_000, tertiary: 6_000 },
    inpatient: { primary: 9_500, secondary: 9_000, tertiary: 8_500 },
  },
  reductionBp: {
    'resettled-retiree': 0,
    'long-term-resident': 0,
    'resident-worker': 0,
    referral: 1_000,
    emergency: 1_000,
    'other-temporary': 2_000,
    unregistered: 2_000,
  },
  annualCapFen: { hifp: 60_000_000 },
  allowanceChunkFen: 5_000_000,
  maxBackdateDays: 30,
};

export const medicalPolicyPublishedSchema = z.object({ policy: insuredPolicySchema, publishedAt: z.iso.datetime() });
export type MedicalPolicyPublished = z.infer<typeof medicalPolicyPublishedSchema>;
/** An insured city publishes a version of its 待遇政策 (起付线, ratios, reductions, annual caps) with its effective date. */
export const MedicalPolicyPublishedV1 = defineEvent<MedicalPolicyPublished>({
  type: 'gov.guangfo.medical.policy-published.v1',
  audience: 'broadcast',
  schema: medicalPolicyPublishedSchema,
  summary:
    'An insured city publishes a version of its medical-insurance policy (public data; treating cities settle by it without asking).',
  example: { policy: DEMO_POLICY, publishedAt: AT },
});

export const medicalCataloguePublishedSchema = z.object({ catalogue: treatingCatalogueSchema, publishedAt: z.iso.datetime() });
export type MedicalCataloguePublished = z.infer<typeof medicalCataloguePublishedSchema>;
/** A treating city publishes a version of its 医保目录 (甲/乙/丙, 先行自付 shares, 限价). */
export const MedicalCataloguePublishedV1 = defineEvent<MedicalCataloguePublished>({
  type: 'gov.guangfo.medical.catalogue-published.v1',
  audience: 'broadcast',
  schema: medicalCataloguePublishedSchema,
  summary: 'A treating city publishes a version of its medical-insurance catalogue (public data; insured cities check claims against it).',
  example: {
    catalogue: {
      city: '440600',
      version: 'demo-2026.1',
      effectiveFrom: '2026-01-01',
      source: 'DEMO',
      demo: true,
      entries: [{ code: 'A-001', name: '阿莫西林胶囊', class: 'A', selfPayShareBp: 0, priceCapFen: null }],
    },
    publishedAt: AT,
  },
});

export const medicalFilingRecordedSchema = z.object({
  filingId: z.uuid(),
  /** Pseudonymous id of the insured person, minted by the insured city. */
  personId: z.uuid(),
  insuredCity: cityCode,
  treatingCity: cityCode,
  kind: z.enum(FILING_KINDS),
  validFrom: civilDate,
  validTo: civilDate.nullable(),
  late: z.boolean(),
  recordedAt: z.iso.datetime(),
  person: z.object({ idNumber: z.string().min(15).max(18), name: z.string().min(1).max(100) }),
});
export type MedicalFilingRecorded = z.infer<typeof medicalFilingRecordedSchema>;
/** 备案 recorded by the insured city, addressed to the treating city (the person's ID number and name travel sealed). */
export const MedicalFilingRecordedV1 = defineEvent<MedicalFilingRecorded>({
  type: 'gov.guangfo.medical.filing-recorded.v1',
  audience: 'addressed',
  schema: medicalFilingRecordedSchema,
  summary: 'The insured city records a 备案 (异地就医备案) and tells the treating city (person sealed for it).',
  personal: ['person'],
  example: {
    filingId: FILING_ID,
    personId: PERSON_ID,
    insuredCity: '440100',
    treatingCity: '440600',
    kind: 'resettled-retiree',
    validFrom: '2026-03-02',
    validTo: null,
    late: false,
    recordedAt: AT,
    person: { idNumber: '440106195501010011', name: '陈老伯' },
  },
});

export const medicalFilingCancelledSchema = z.object({ filingId: z.uuid(), personId: z.uuid(), cancelledOn: civilDate });
export type MedicalFilingCancelled = z.infer<typeof medicalFilingCancelledSchema>;
export const MedicalFilingCancelledV1 = defineEvent<MedicalFilingCancelled>({
  type: 'gov.guangfo.medical.filing-cancelled.v1',
  audience: 'addressed',
  schema: medicalFilingCancelledSchema,
  summary: 'The insured city cancels a 备案; visits from that day on are no longer covered by it.',
  example: { filingId: FILING_ID, personId: PERSON_ID, cancelledOn: '2026-09-01' },
});

export const medicalAllowanceGrantedSchema = z.object({
  personId: z.uuid(),
  year: z.number().int().min(2000).max(2100),
  pot: z.enum(POTS),
  /** The treating city's cumulative grant for the person, pot and year (the receiver keeps the largest it has seen). */
  grantedTotalFen: fenSchema,
});
export type MedicalAllowanceGranted = z.infer<typeof medicalAllowanceGrantedSchema>;
export const MedicalAllowanceGrantedV1 = defineEvent<MedicalAllowanceGranted>({
  type: 'gov.guangfo.medical.allowance-granted.v1',
  audience: 'addressed',
  schema: medicalAllowanceGrantedSchema,
  summary: "The insured city grants the treating city (more of) a person's annual fund or account allowance (cumulative total).",
  example: { personId: PERSON_ID, year: 2026, pot: 'hifp', grantedTotalFen: 5_000_000 },
});

export const medicalAllowanceReturnedSchema = z.object({
  personId: z.uuid(),
  year: z.number().int().min(2000).max(2100),
  pot: z.enum(POTS),
  /** The treating city's cumulative return for the person, pot and year (the receiver keeps the largest it has seen). */
  returnedTotalFen: fenSchema,
  /** What the treating city had consumed of the grant when it returned the rest (5206 累计, for the insured city's view). */
  consumedFen: fenSchema,
  /** Why: the year is over, or the person no longer holds a 备案 there (and has no visit open or recent). */
  reason: z.enum(['year-closed', 'no-filing']),
});
export type MedicalAllowanceReturned = z.infer<typeof medicalAllowanceReturnedSchema>;
export const MedicalAllowanceReturnedV1 = defineEvent<MedicalAllowanceReturned>({
  type: 'gov.guangfo.medical.allowance-returned.v1',
  audience: 'addressed',
  schema: medicalAllowanceReturnedSchema,
  summary:
    "A treating city gives back the unused part of a person's allowance (cumulative total): it can no longer spend it, and the insured city may grant it again.",
  example: { personId: PERSON_ID, year: 2026, pot: 'hifp', returnedTotalFen: 4_200_000, consumedFen: 800_000, reason: 'no-filing' },
});

export const medicalAllowanceRequestedSchema = z.object({
  personId: z.uuid(),
  year: z.number().int().min(2000).max(2100),
  pot: z.enum(POTS),
  grantedFen: fenSchema,
  consumedFen: fenSchema,
});
export type MedicalAllowanceRequested = z.infer<typeof medicalAllowanceRequestedSchema>;
export const MedicalAllowanceRequestedV1 = defineEvent<MedicalAllowanceRequested>({
  type: 'gov.guangfo.medical.allowance-requested.v1',
  audience: 'addressed',
  schema: medicalAllowanceRequestedSchema,
  summary: 'A treating city running low asks the insured city for a top-up, reporting what it holds and has used (5206 累计).',
  example: { personId: PERSON_ID, year: 2026, pot: 'hifp', grantedFen: 5_000_000, consumedFen: 4_100_000 },
});

export const medicalSettlementRecordedSchema = z.object({
  settlementId: z.uuid(),
  personId: z.uuid(),
  filingId: z.uuid(),
  hospitalCode: z.string().min(1).max(30),
  hospitalLevel: z.enum(HOSPITAL_LEVELS),
  visitType: z.enum(VISIT_TYPES),
  settledOn: civilDate,
  ratioBp: z.number().int().min(0).max(10_000),
  policyVersion: z.string(),
  catalogueVersion: z.string(),
  totals: settlementTotalsSchema,
});
export type MedicalSettlementRecorded = z.infer<typeof medicalSettlementRecordedSchema>;
export const MedicalSettlementRecordedV1 = defineEvent<MedicalSettlementRecorded>({
  type: 'gov.guangfo.medical.settlement-recorded.v1',
  audience: 'addressed',
  schema: medicalSettlementRecordedSchema,
  summary:
    "A treating city settled a visit of the insured city's person (amounts only, no diagnosis): the insured city's copy for 5206 and clearing.",
  example: {
    settlementId: SETTLEMENT_ID,
    personId: PERSON_ID,
    filingId: FILING_ID,
    hospitalCode: 'H44060400001',
    hospitalLevel: 'tertiary',
    visitType: 'outpatient',
    settledOn: '2026-03-05',
    ratioBp: 6_000,
    policyVersion: 'demo-2026.1',
    catalogueVersion: 'demo-2026.1',
    totals: TOTALS,
  },
});

export const medicalSettlementReversedSchema = z.object({ settlementId: z.uuid(), personId: z.uuid(), reversedOn: civilDate });
export type MedicalSettlementReversed = z.infer<typeof medicalSettlementReversedSchema>;
export const MedicalSettlementReversedV1 = defineEvent<MedicalSettlementReversed>({
  type: 'gov.guangfo.medical.settlement-reversed.v1',
  audience: 'addressed',
  schema: medicalSettlementReversedSchema,
  summary: 'A treating city reversed a settlement (2208/2305); its allowance was restored there.',
  example: { settlementId: SETTLEMENT_ID, personId: PERSON_ID, reversedOn: '2026-03-06' },
});

const statementItemSchema = z.object({
  settlementId: z.uuid(),
  kind: z.enum(['claim', 'reversal']),
  fundFen: z.number().int(),
  accountFen: z.number().int(),
  totalFen: z.number().int(),
});
export const CLEARING_CONTEST_REASONS = [
  'NOT_INSURED',
  'NOT_REGISTERED',
  'DUPLICATE_CLAIM',
  'OUT_OF_CATALOGUE',
  'AMOUNT_MISMATCH',
  'OTHER',
] as const;

/**
 * The most items one statement-chunk event may carry. A chunk of this many items with every amount at its widest
 * (−2^53+1) is about 440 KB of JSON in an embedded batch delivery, under the 512 KiB a batch is kept to and well under the
 * node's 1 MiB request body and Kafka's default 1 MB message limit. Treating cities send fewer (MEDICAL_STATEMENT_CHUNK_ITEMS,
 * default 2 000: about 250 KB of realistic items).
 */
export const STATEMENT_CHUNK_MAX_ITEMS = 2_500;

/** The context string the items digest starts with (docs/medical-settlement.md § 5). */
export const STATEMENT_ITEMS_DIGEST_CONTEXT = 'guangfo-statement-items/v1';

const statementTotalsSchema = z.object({
  items: z.number().int().min(0),
  claimedFundFen: z.number().int(),
  claimedAccountFen: z.number().int(),
  claimedTotalFen: z.number().int(),
  withdrawnFundFen: z.number().int(),
  withdrawnAccountFen: z.number().int(),
  payableFundFen: z.number().int(),
  payableAccountFen: z.number().int(),
  advanceFen: fenSchema,
  netFen: z.number().int(),
});

export const medicalStatementIssuedSchema = z.object({
  statementId: z.uuid(),
  treatingCity: cityCode,
  insuredCity: cityCode,
  period: z.string().regex(/^\d{4}-\d{2}$/),
  advanceFen: fenSchema,
  /** Items of the whole statement, over every chunk. */
  itemCount: z.number().int().min(0),
  /** Chunk events that carry them (`statement-chunk`, index 0 … chunkCount − 1); 0 for a statement without items. */
  chunkCount: z.number().int().min(0),
  /**
   * SM3 (lowercase hex) over the UTF-8 text: "guangfo-statement-items/v1" LF, then one line per item in statement order (chunk 0
   * first): settlementId TAB kind TAB fundFen TAB accountFen TAB totalFen LF, the amounts as decimal integers.
   */
  itemsDigest: z.string().regex(/^[0-9a-f]{64}$/),
  /** The treating city's totals of the statement (the insured city checks them against the items). */
  totals: statementTotalsSchema,
});
export type MedicalStatementIssued = z.infer<typeof medicalStatementIssuedSchema>;
/**
 * The header of a statement: what the statement is, how many items in how many chunks, their digest and totals. The items
 * follow in `statement-chunk` events on the same subject (the statement id), so they travel in order after it.
 */
export const MedicalStatementIssuedV2 = defineEvent<MedicalStatementIssued>({
  type: 'gov.guangfo.medical.statement-issued.v2',
  audience: 'addressed',
  schema: medicalStatementIssuedSchema,
  summary:
    'The treating city issues its monthly clearing statement to the insured city: the header (item count, chunk count, SM3 digest of the items in order, totals); the items follow in statement-chunk events on the same subject.',
  example: {
    statementId: STATEMENT_ID,
    treatingCity: '440600',
    insuredCity: '440100',
    period: '2026-03',
    advanceFen: 0,
    itemCount: 1,
    chunkCount: 1,
    itemsDigest: '20e9508c1a737fd0e18e901df3863f23500cf2a46da334c4141e21b708ee0a0d',
    totals: {
      items: 1,
      claimedFundFen: 8_100,
      claimedAccountFen: 5_000,
      claimedTotalFen: 77_000,
      withdrawnFundFen: 0,
      withdrawnAccountFen: 0,
      payableFundFen: 8_100,
      payableAccountFen: 5_000,
      advanceFen: 0,
      netFen: 13_100,
    },
  },
});

export const medicalStatementChunkSchema = z.object({
  statementId: z.uuid(),
  /** The chunk's place: 0 … chunkCount − 1 of the header; the statement's items are the chunks' items in this order. */
  index: z.number().int().min(0),
  items: z.array(statementItemSchema).min(1).max(STATEMENT_CHUNK_MAX_ITEMS),
});
export type MedicalStatementChunk = z.infer<typeof medicalStatementChunkSchema>;
/** A run of a statement's items, in statement order (at most STATEMENT_CHUNK_MAX_ITEMS). */
export const MedicalStatementChunkV1 = defineEvent<MedicalStatementChunk>({
  type: 'gov.guangfo.medical.statement-chunk.v1',
  audience: 'addressed',
  schema: medicalStatementChunkSchema,
  summary: `Items of a clearing statement, in statement order: chunk \`index\` of the header's chunkCount (at most ${STATEMENT_CHUNK_MAX_ITEMS} items each).`,
  example: {
    statementId: STATEMENT_ID,
    index: 0,
    items: [{ settlementId: SETTLEMENT_ID, kind: 'claim', fundFen: 8_100, accountFen: 5_000, totalFen: 77_000 }],
  },
});

export const medicalStatementItemContestedSchema = z.object({
  statementId: z.uuid(),
  settlementId: z.uuid(),
  kind: z.enum(['claim', 'reversal']),
  reason: z.enum(CLEARING_CONTEST_REASONS),
  note: z.string().max(500),
});
export type MedicalStatementItemContested = z.infer<typeof medicalStatementItemContestedSchema>;
export const MedicalStatementItemContestedV1 = defineEvent<MedicalStatementItemContested>({
  type: 'gov.guangfo.medical.statement-item-contested.v1',
  audience: 'addressed',
  schema: medicalStatementItemContestedSchema,
  summary: 'The insured city contests one item of a clearing statement, with a reason code.',
  example: { statementId: STATEMENT_ID, settlementId: SETTLEMENT_ID, kind: 'claim', reason: 'AMOUNT_MISMATCH', note: '与参保地记录不符' },
});

export const medicalStatementItemAnsweredSchema = z.object({
  statementId: z.uuid(),
  settlementId: z.uuid(),
  kind: z.enum(['claim', 'reversal']),
  outcome: z.enum(['upheld', 'withdrawn']),
  note: z.string().max(500),
});
export type MedicalStatementItemAnswered = z.infer<typeof medicalStatementItemAnsweredSchema>;
export const MedicalStatementItemAnsweredV1 = defineEvent<MedicalStatementItemAnswered>({
  type: 'gov.guangfo.medical.statement-item-answered.v1',
  audience: 'addressed',
  schema: medicalStatementItemAnsweredSchema,
  summary: 'The treating city answers a contested item: upheld (it stands) or withdrawn (out of this period; corrected in the next).',
  example: { statementId: STATEMENT_ID, settlementId: SETTLEMENT_ID, kind: 'claim', outcome: 'upheld', note: '已核对明细, 金额无误' },
});

export const medicalStatementConfirmedSchema = z.object({
  statementId: z.uuid(),
  confirmedAt: z.iso.datetime(),
  payableFundFen: z.number().int(),
  payableAccountFen: z.number().int(),
  netFen: z.number().int(),
});
export type MedicalStatementConfirmed = z.infer<typeof medicalStatementConfirmedSchema>;
export const MedicalStatementConfirmedV1 = defineEvent<MedicalStatementConfirmed>({
  type: 'gov.guangfo.medical.statement-confirmed.v1',
  audience: 'addressed',
  schema: medicalStatementConfirmedSchema,
  summary: 'The insured city confirms a clearing statement (it is immutable from then on), with the sums both books must show.',
  example: { statementId: STATEMENT_ID, confirmedAt: AT, payableFundFen: 8_100, payableAccountFen: 5_000, netFen: 13_100 },
});
