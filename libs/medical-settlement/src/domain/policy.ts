import { type CatalogueEntry, type FilingStanding, type HospitalLevel, type InsuredPolicy, type VisitType } from '@guangfo/contracts';

/**
 * Versioned data (never code): the insured city's 待遇政策 decides how much the fund pays, the treating city's 医保目录 what is
 * covered (医保发〔2022〕22号 三(一): 就医地目录、参保地政策 — "原则上执行就医地规定的支付范围及有关规定 (基本医疗保险药品、医疗服务项目和
 * 医用耗材等支付范围), 基本医疗保险统筹基金的起付标准、支付比例和最高支付限额原则上执行参保地规定"). Both are broadcast with an
 * effective date; a settlement uses the versions in force on the visit date. The schemas are in @guangfo/contracts (they travel).
 */
export {
  CATALOGUE_CLASSES,
  type CatalogueClass,
  type CatalogueEntry,
  catalogueEntrySchema,
  HOSPITAL_LEVELS,
  type HospitalLevel,
  type InsuredPolicy,
  insuredPolicySchema,
  MAX_RATIO_REDUCTION_BP,
  type TreatingCatalogue,
  treatingCatalogueSchema,
  VISIT_TYPES,
  type VisitType,
} from '@guangfo/contracts';

/** The version in force on `date`: the latest effectiveFrom ≤ date. */
export const inForce = <T extends { effectiveFrom: string }>(versions: readonly T[], date: string): T | undefined =>
  versions.filter((v) => v.effectiveFrom <= date).sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];

/** The pooled-fund ratio of a settlement: the level's base ratio less the standing's reduction, never below 0. */
export const effectiveRatioBp = (policy: InsuredPolicy, visit: VisitType, level: HospitalLevel, standing: FilingStanding): number =>
  Math.max(0, policy.ratioBp[visit][level] - policy.reductionBp[standing]);

export type CatalogueLookup = (code: string) => CatalogueEntry | undefined;
