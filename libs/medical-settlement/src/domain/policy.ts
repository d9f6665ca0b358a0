import { z } from 'zod';
import type { FilingStanding } from './filing.js';

/**
 * Versioned data (never code): the insured city's 待遇政策 decides how much the fund pays, the treating city's 医保目录 what is
 * covered (医保发〔2022〕22号 三(一): 就医地目录、参保地政策 — "执行就医地规定的支付范围及有关规定, 基本医疗保险统筹基金的
 * 起付标准、支付比例和最高支付限额原则上执行参保地规定"). Both are broadcast with an effective date; a settlement uses the
 * versions in force on the visit date.
 */

export const HOSPITAL_LEVELS = ['primary', 'secondary', 'tertiary'] as const;
export type HospitalLevel = (typeof HOSPITAL_LEVELS)[number];
export const VISIT_TYPES = ['outpatient', 'inpatient'] as const;
export type VisitType = (typeof VISIT_TYPES)[number];

/** Basis points: 10000 = 100 %. */
const bp = z.number().int().min(0).max(10_000);
const fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const byLevel = <T extends z.ZodType>(t: T) => z.object({ primary: t, secondary: t, tertiary: t });

/**
 * 医保发〔2022〕22号 三(二): 未按规定办理备案 (and 其他临时外出就医) 的, 支付比例降低 — 跨省临时外出就医人员可低于参保地
 * 相同医疗机构级别报销水平, 原则上下降幅度不超过10个百分点 (转诊转院/急诊抢救); 未备案或其他临时外出 不超过20个百分点.
 * These are the legal maxima a policy's reductions are checked against.
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

export const insuredPolicySchema = z
  .object({
    /** Insured city (参保地), GB/T 2260. */
    city: z.string().regex(/^\d{6}$/),
    version: z.string().min(1).max(40),
    effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    /** Where the figures come from; demo policies say so. */
    source: z.string().min(1).max(500),
    demo: z.boolean(),
    /** 起付线 per settlement (inpatient: per admission), by visit type and hospital level. */
    deductibleFen: z.object({ outpatient: byLevel(fen), inpatient: byLevel(fen) }),
    /** 统筹基金支付比例 by visit type and hospital level, for an insured person with a long-term 备案. */
    ratioBp: z.object({ outpatient: byLevel(bp), inpatient: byLevel(bp) }),
    /** 支付比例降低 by 备案 standing (≤ MAX_RATIO_REDUCTION_BP). */
    reductionBp: z.object({
      'resettled-retiree': bp,
      'long-term-resident': bp,
      'resident-worker': bp,
      referral: bp,
      emergency: bp,
      'other-temporary': bp,
      unregistered: bp,
    }),
    /** 最高支付限额 per calendar year of the pooled fund (统筹基金, hifp). */
    annualCapFen: z.object({ hifp: fen }),
    /** What a treating city is granted per person at a time (allowance chunk) from the annual cap. */
    allowanceChunkFen: fen,
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
  /** 限价 (max reimbursable unit price), fen; the part of the unit price above it is 超限价自费. */
  priceCapFen: fen.nullable(),
});
export type CatalogueEntry = z.infer<typeof catalogueEntrySchema>;

export const treatingCatalogueSchema = z.object({
  /** Treating city (就医地). */
  city: z.string().regex(/^\d{6}$/),
  version: z.string().min(1).max(40),
  effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  source: z.string().min(1).max(500),
  demo: z.boolean(),
  entries: z.array(catalogueEntrySchema).max(100_000),
});
export type TreatingCatalogue = z.infer<typeof treatingCatalogueSchema>;

/** The version in force on `date`: the latest effectiveFrom ≤ date. */
export const inForce = <T extends { effectiveFrom: string }>(versions: readonly T[], date: string): T | undefined =>
  versions.filter((v) => v.effectiveFrom <= date).sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];

/** The pooled-fund ratio of a settlement: the level's base ratio less the standing's reduction, never below 0. */
export const effectiveRatioBp = (policy: InsuredPolicy, visit: VisitType, level: HospitalLevel, standing: FilingStanding): number =>
  Math.max(0, policy.ratioBp[visit][level] - policy.reductionBp[standing]);
