import { z } from 'zod';

/** 社会保险险种: 城镇职工养老 / 医疗 / 失业 / 工伤 / 生育, 城乡居民养老. */
export const SOCIAL_INSURANCE_SCHEMES = [
  'employee-pension',
  'employee-medical',
  'unemployment',
  'work-injury',
  'maternity',
  'resident-pension',
] as const;
export type SocialInsuranceScheme = (typeof SOCIAL_INSURANCE_SCHEMES)[number];

export const cityCodeSchema = z.string().regex(/^\d{6}$/);
export const yearMonthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
export const civilDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const fen = z.number().int().nonnegative();

/** One month of one scheme paid in one city for one person (an employer's monthly report), amounts in fen. */
export const contributionMonthSchema = z.object({
  city: cityCodeSchema,
  scheme: z.enum(SOCIAL_INSURANCE_SCHEMES),
  month: yearMonthSchema,
  /** 统一社会信用代码 of the employer (partner system) that reported it. */
  employerUscc: z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/),
  /** 缴费基数 of the month. */
  baseFen: fen,
  /** 单位缴费 of the month. */
  employerFen: fen,
  /** 个人缴费 of the month. */
  personalFen: fen,
  /** Credited to the personal account (employee pension only; 0 otherwise). */
  personalAccountFen: fen,
  /** Refunded as a duplicate of a month kept in another city (清退). */
  refunded: z.boolean().default(false),
});
export type ContributionMonth = z.infer<typeof contributionMonthSchema>;
