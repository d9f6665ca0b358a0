import { z } from 'zod';

/**
 * Shared vocabulary of 异地就医直接结算 (the medical-settlement domain and its events): 备案 kinds, hospital levels, visit
 * types, the insured city's versioned policy and the treating city's versioned catalogue. Policy and catalogue are data,
 * broadcast with an effective date (医保发〔2022〕22号 三(一): 就医地目录、参保地政策).
 */

/** 医保发〔2022〕22号 二(一): 长期 — 异地安置退休, 异地长期居住, 常驻异地工作; 临时 — 转诊转院, 急诊抢救, 其他临时外出就医. */
export const LONG_TERM_FILING_KINDS = ['resettled-retiree', 'long-term-resident', 'resident-worker'] as const;
export const TEMPORARY_FILING_KINDS = ['referral', 'emergency', 'other-temporary'] as const;
export const FILING_KINDS = [...LONG_TERM_FILING_KINDS, ...TEMPORARY_FILING_KINDS] as const;
export type FilingKind = (typeof FILING_KINDS)[number];
/** A settlement's 备案 standing: one of the kinds, or none (未备案). */
export type FilingStanding = FilingKind | 'unregistered';

export const HOSPITAL_LEVELS = ['primary', 'secondary', 'tertiary'] as const;
export type HospitalLevel = (typeof HOSPITAL_LEVELS)[number];
export const VISIT_TYPES = ['outpatient', 'inpatient'] as const;
export type VisitType = (typeof VISIT_TYPES)[number];
export const POTS = ['hifp', 'acct'] as const;
export type Pot = (typeof POTS)[number];

/**
 * 医保发〔2022〕22号 三(二): 跨省临时外出就医人员可低于参保地相同级别医疗机构报销水平 — 异地转诊/急诊抢救 原则上下降幅度不超过10个百分点,
 * 未备案或其他临时外出就医 不超过20个百分点; 长期备案人员 no reduction. The legal maxima a policy's reductions are checked against.
 */
export const MAX_RATIO_REDUCTION_BP: Record<FilingStanding, number> = {
  'resettled-retiree': 0,
  'long-term-resident': 0,
  'resident-worker': 0,
  referral: 1_000,
  emergency: 1_000,
  'other-temporary': 2_000,
  unregistered: 2_000,
};

const civilDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const cityCode = z.string().regex(/^\d{6}$/);
/** Basis points: 10000 = 100 %. */
const bp = z.number().int().min(0).max(10_000);
export const fenSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const byLevel = <T extends z.ZodType>(t: T) => z.object({ primary: t, secondary: t, tertiary: t });

export const insuredPolicySchema = z
  .object({
    /** Insured city (参保地). */
    city: cityCode,
    version: z.string().min(1).max(40),
    effectiveFrom: civilDate,
    /** Where the figures come from; demo policies say so. */
    source: z.string().min(1).max(500),
    demo: z.boolean(),
    /** 起付线 per settlement (inpatient: per admission), by visit type and hospital level, fen. */
    deductibleFen: z.object({ outpatient: byLevel(fenSchema), inpatient: byLevel(fenSchema) }),
    /** 统筹基金支付比例 by visit type and hospital level (long-term 备案, no reduction), bp. */
    ratioBp: z.object({ outpatient: byLevel(bp), inpatient: byLevel(bp) }),
    /** 支付比例降低 by 备案 standing, bp (≤ MAX_RATIO_REDUCTION_BP). */
    reductionBp: z.object({
      'resettled-retiree': bp,
      'long-term-resident': bp,
      'resident-worker': bp,
      referral: bp,
      emergency: bp,
      'other-temporary': bp,
      unregistered: bp,
    }),
    /** 统筹基金年度最高支付限额 (calendar year), fen. */
    annualCapFen: z.object({ hifp: fenSchema }),
    /** What a treating city is granted per person at a time from the annual cap (allowance chunk), fen. */
    allowanceChunkFen: fenSchema,
    /** Days a 备案 may be backdated (补办备案). */
    maxBackdateDays: z.number().int().min(0).max(366),
  })
  .superRefine((p, ctx) => {
    for (const [standing, max] of Object.entries(MAX_RATIO_REDUCTION_BP)) {
      if (p.reductionBp[standing as FilingStanding] > max)
        ctx.addIssue({ code: 'custom', path: ['reductionBp', standing], message: `at most ${max} bp (医保发〔2022〕22号)` });
    }
  });
export type InsuredPolicy = z.infer<typeof insuredPolicySchema>;

/** 甲类 fully in scope; 乙类 in scope after a 先行自付 share; 丙类 (or not listed) 全自费. */
export const CATALOGUE_CLASSES = ['A', 'B', 'C'] as const;
export type CatalogueClass = (typeof CATALOGUE_CLASSES)[number];

export const catalogueEntrySchema = z.object({
  code: z.string().min(1).max(50),
  name: z.string().min(1).max(200),
  class: z.enum(CATALOGUE_CLASSES),
  /** 乙类 先行自付 share, bp (0 for 甲/丙). */
  selfPayShareBp: bp,
  /** 限价 (max reimbursable unit price), fen; the part of a unit price above it is 超限价自付. */
  priceCapFen: fenSchema.nullable(),
});
export type CatalogueEntry = z.infer<typeof catalogueEntrySchema>;

export const treatingCatalogueSchema = z.object({
  /** Treating city (就医地). */
  city: cityCode,
  version: z.string().min(1).max(40),
  effectiveFrom: civilDate,
  source: z.string().min(1).max(500),
  demo: z.boolean(),
  entries: z.array(catalogueEntrySchema).max(100_000),
});
export type TreatingCatalogue = z.infer<typeof treatingCatalogueSchema>;

/** The national interface's settlement output fields, in fen. */
export const settlementTotalsSchema = z.object({
  medfee_sumamt: fenSchema,
  fulamt_ownpay_amt: fenSchema,
  overlmt_selfpay: fenSchema,
  preselfpay_amt: fenSchema,
  inscp_scp_amt: fenSchema,
  act_pay_dedc: fenSchema,
  hifp_pay: fenSchema,
  fund_pay_sumamt: fenSchema,
  acct_pay: fenSchema,
  psn_cash_pay: fenSchema,
});
export type SettlementTotals = z.infer<typeof settlementTotalsSchema>;

export const medicalSchemas = { civilDate, cityCode };
