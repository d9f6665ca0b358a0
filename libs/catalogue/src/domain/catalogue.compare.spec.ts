import { describe, it, expect } from '@jest/globals';
import { compareCatalogueVersions, compareVersionLabels } from './catalogue.compare.js';
import { loadCatalogueSet } from '../infrastructure/catalogue.loader.js';
import { copySeedDir, editSeedFile, SEED_DIR } from '../../test-fixtures/seed-dirs.js';

const set = loadCatalogueSet(SEED_DIR);
const info = (version: string) => {
  const c = set.versions.get(version)!;
  return { version: c.version, hash: c.hash, effectiveFrom: c.effectiveFrom, items: c.itemHashes };
};

describe('compareCatalogueVersions', () => {
  it('agrees when both cities hold the same catalogue', () => {
    expect(compareCatalogueVersions(info('2026.1'), info('2026.1'))).toEqual({
      relation: 'identical',
      agree: true,
      items: { added: [], removed: [], changed: [] },
    });
  });

  it('tells which side is newer and which items differ', () => {
    const result = compareCatalogueVersions(info('2025.1'), info('2026.1'));
    expect(result.relation).toBe('b-newer');
    expect(result.agree).toBe(false);
    expect(result.items!.added).toHaveLength(15);
    expect(result.items!.added).toEqual(
      expect.arrayContaining(['GG00105000', 'QT00101000', 'XK00102000', 'GG00704000', 'GG00705000', 'GG00901000']),
    );
    expect(result.items!.removed).toEqual([]);
    // 2026.1 re-attributes seven items to the plan text they implement (version 2 of each).
    expect(result.items!.changed).toEqual([
      'GF01002000',
      'GG00101001',
      'GG00101002',
      'GG00103000',
      'GG00104000',
      'GG00701000',
      'GG01001000',
      'GG01002000',
      'QR01001000',
      'XK00101000',
    ]);
    expect(compareCatalogueVersions(info('2026.1'), info('2025.1')).relation).toBe('a-newer');
  });

  it('flags a conflict when two cities hold different content under the same label', () => {
    const dir = copySeedDir(SEED_DIR);
    editSeedFile(dir, '2026.1/items/other.yaml', (t) =>
      t.replace('timeLimits: { legal: null, committed: 20 }', 'timeLimits: { legal: null, committed: 25 }'),
    );
    const edited = loadCatalogueSet(dir).current;
    const result = compareCatalogueVersions(info('2026.1'), {
      version: edited.version,
      hash: edited.hash,
      effectiveFrom: edited.effectiveFrom,
      items: edited.itemHashes,
    });
    expect(result).toEqual({ relation: 'conflict', agree: false, items: { added: [], removed: [], changed: ['GG00401000'] } });
  });

  it('works on the announced summary alone (no item hashes)', () => {
    const { items: _items, ...a } = info('2026.1');
    expect(compareCatalogueVersions(a, { ...a, hash: 'f'.repeat(64) })).toEqual({ relation: 'conflict', agree: false });
  });

  it('orders labels numerically when start dates tie', () => {
    const a = { version: '2026.10', hash: 'a', effectiveFrom: '2026-01-01' };
    const b = { version: '2026.9', hash: 'b', effectiveFrom: '2026-01-01' };
    expect(compareCatalogueVersions(a, b).relation).toBe('a-newer');
    expect(compareVersionLabels('2025.2', '2025.10')).toBeLessThan(0);
  });
});
