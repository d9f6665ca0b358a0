import type { CatalogueEntry, InsuredPolicy } from '../src/domain/policy.js';

/** A demo insured-city policy (fictional figures, the shape of seeds/medical/policies). */
export const DEMO_POLICY: InsuredPolicy = {
  city: '440100',
  version: 'demo-2026.1',
  effectiveFrom: '2026-01-01',
  source: 'DEMO — fictional figures for tests',
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

export const DEMO_CATALOGUE: CatalogueEntry[] = [
  { code: 'A-001', name: '阿莫西林胶囊', class: 'A', selfPayShareBp: 0, priceCapFen: null },
  { code: 'A-002', name: '血常规', class: 'A', selfPayShareBp: 0, priceCapFen: 2_500 },
  { code: 'B-001', name: '阿托伐他汀钙片', class: 'B', selfPayShareBp: 1_000, priceCapFen: null },
  { code: 'B-002', name: '心脏彩超', class: 'B', selfPayShareBp: 500, priceCapFen: 30_000 },
  { code: 'C-001', name: '特需病房床位费', class: 'C', selfPayShareBp: 0, priceCapFen: null },
];
export const demoCatalogue = (code: string): CatalogueEntry | undefined => DEMO_CATALOGUE.find((e) => e.code === code);
