import type { CatalogueVersionInfo } from './catalogue.types.js';

/**
 * - `identical`: same label, same hash.
 * - `conflict`: same label, different content — the cities disagree and must be reconciled.
 * - `a-newer` / `b-newer`: different labels; the newer one has the later effectiveFrom (then the higher label).
 */
export type CatalogueRelation = 'identical' | 'conflict' | 'a-newer' | 'b-newer';

export interface CatalogueComparison {
  relation: CatalogueRelation;
  /** True only when both sides hold exactly the same catalogue. */
  agree: boolean;
  /** Present when both sides sent per-item hashes. */
  items?: { added: string[]; removed: string[]; changed: string[] };
}

/** Orders two version labels like 2025.2 < 2025.10 < 2026.1 (numeric segments). */
export function compareVersionLabels(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/**
 * Compares what two cities announce about their catalogues. Pure: no I/O, no clock.
 * `items.added` are codes only `b` has, `removed` only `a` has, `changed` both have with different content.
 */
export function compareCatalogueVersions(a: CatalogueVersionInfo, b: CatalogueVersionInfo): CatalogueComparison {
  let relation: CatalogueRelation;
  if (a.version === b.version) relation = a.hash === b.hash ? 'identical' : 'conflict';
  else if (a.effectiveFrom !== b.effectiveFrom) relation = a.effectiveFrom > b.effectiveFrom ? 'a-newer' : 'b-newer';
  else relation = compareVersionLabels(a.version, b.version) > 0 ? 'a-newer' : 'b-newer';
  const result: CatalogueComparison = { relation, agree: relation === 'identical' };
  if (a.items && b.items) {
    const ai = a.items;
    const bi = b.items;
    const sorted = (xs: string[]) => xs.sort();
    result.items = {
      added: sorted(Object.keys(bi).filter((k) => !Object.hasOwn(ai, k))),
      removed: sorted(Object.keys(ai).filter((k) => !Object.hasOwn(bi, k))),
      changed: sorted(Object.keys(ai).filter((k) => Object.hasOwn(bi, k) && ai[k] !== bi[k])),
    };
  }
  return result;
}
