import type { ContributionMonth } from '@guangfo/contracts';
import { PENSION_SCHEME } from './contribution.js';

/** Ten years of contributions (120 months) in one place. */
export const TEN_YEARS_MONTHS = 120;

export type PensionPlaceRule = 'hukou' | 'current-ten-years' | 'previous-ten-years' | 'hukou-fallback';

export interface PensionPlace {
  /** The pooling region (province code) where the pension is drawn. */
  region: string;
  rule: PensionPlaceRule;
  monthsByRegion: Record<string, number>;
}

/**
 * Where a pension is drawn (国办发〔2009〕66号 art. 6), over pooling regions (Guangdong is one
 * provincial pool: a region is a province code, from the city registry):
 * 1. the relationship is in the hukou region → there;
 * 2. else the current region when it has ≥ 10 years of contributions → there;
 * 3. else the last earlier region with ≥ 10 years → there (the relationship moves back);
 * 4. else the hukou region.
 * `regionOf` maps a city code to its province (the registry's provinceCode).
 */
export const pensionPlace = (
  months: readonly ContributionMonth[],
  hukouRegion: string,
  regionOf: (city: string) => string,
): PensionPlace => {
  const pension = months.filter((m) => m.scheme === PENSION_SCHEME && !m.refunded);
  const monthsIn = new Map<string, Set<string>>();
  const lastIn = new Map<string, string>();
  for (const m of pension) {
    const r = regionOf(m.city);
    monthsIn.set(r, (monthsIn.get(r) ?? new Set()).add(m.month));
    if ((lastIn.get(r) ?? '') < m.month) lastIn.set(r, m.month);
  }
  const monthsByRegion = Object.fromEntries([...monthsIn].map(([r, s]) => [r, s.size]));
  const byRecency = [...lastIn.entries()].sort((a, b) => b[1].localeCompare(a[1])).map(([r]) => r);
  const current = byRecency[0];
  const count = (r: string) => monthsIn.get(r)?.size ?? 0;
  if (current === undefined || current === hukouRegion) return { region: hukouRegion, rule: 'hukou', monthsByRegion };
  if (count(current) >= TEN_YEARS_MONTHS) return { region: current, rule: 'current-ten-years', monthsByRegion };
  const previous = byRecency.slice(1).find((r) => count(r) >= TEN_YEARS_MONTHS);
  if (previous) return { region: previous, rule: 'previous-ten-years', monthsByRegion };
  return { region: hukouRegion, rule: 'hukou-fallback', monthsByRegion };
};

/**
 * 临时基本养老保险缴费账户 (国办发〔2009〕66号 art. 6): a man aged 50 or more or a woman aged 40 or more
 * who becomes insured outside the hukou province gets a temporary account at the new place; the
 * relationship stays where it was. Age on `on` (civil dates).
 */
export const needsTemporaryAccount = (p: {
  birthDate: string;
  sex: 'male' | 'female';
  hukouRegion: string;
  newRegion: string;
  on: string;
}): boolean => {
  if (p.newRegion === p.hukouRegion) return false;
  const [by, bm, bd] = p.birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = p.on.split('-').map(Number) as [number, number, number];
  const age = y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
  return p.sex === 'male' ? age >= 50 : age >= 40;
};
