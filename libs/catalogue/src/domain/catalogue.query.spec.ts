import { describe, it, expect } from '@jest/globals';
import { loadCatalogueSet } from '../infrastructure/catalogue.loader.js';
import { filterItems, findItem, findRoutes, matchesText, normalizeText } from './catalogue.query.js';
import { SEED_DIR } from '../../test-fixtures/seed-dirs.js';

const GZ = '440100';
const FS = '440600';
const catalogue = loadCatalogueSet(SEED_DIR).current;
const codes = (items: readonly { code: string }[]) => items.map((i) => i.code);

describe('filterItems', () => {
  it('filters by domain and kind', () => {
    const medical = filterItems(catalogue, { domain: 'medical-settlement' });
    expect(medical.length).toBeGreaterThan(3);
    expect(medical.every((i) => i.domain === 'medical-settlement')).toBe(true);
    expect(codes(filterItems(catalogue, { kind: '行政许可' }))).toEqual(['XK00101000', 'XK00102000', 'XK00201000']);
  });

  it('filters by city, mode and channel on the same route', () => {
    const proxyInFoshan = codes(filterItems(catalogue, { city: FS, mode: 'proxy' }));
    expect(proxyInFoshan).toEqual(expect.arrayContaining(['GG00101001', 'GG01003000', 'XK00101000', 'GG00201000']));
    expect(proxyInFoshan).not.toContain('GG00701000'); // ride codes: online only
    const kiosk = codes(filterItems(catalogue, { channel: 'self-service', mode: 'proxy' }));
    expect(kiosk).toEqual(expect.arrayContaining(['GG00101001', 'GG01004000', 'GG00201000']));
    expect(kiosk).not.toContain('XK00101000'); // business relocation: window only when proxied
    expect(filterItems(catalogue, { city: '441200' })).toEqual([]);
  });

  it('combines filters with AND', () => {
    expect(codes(filterItems(catalogue, { domain: 'social-insurance', kind: '行政给付', mode: 'proxy' }))).toEqual([
      'GF01001000',
      'GF01002000',
    ]);
  });
});

describe('free-text search in Chinese and English', () => {
  it.each([
    ['就医备案', ['GG00101001', 'GG00101002']],
    ['异地就医备案', ['GG00101001', 'GG00101002']],
    ['养老保险关系转移接续', ['GG01001000']],
    ['医保关系转移接续', ['GG01002000']],
    ['居住证签注', ['GG00201000']],
    ['营业执照异地迁址', ['XK00101000']],
    ['一照多址备案', ['QT00101000']],
    ['公交乘车码互认', ['GG00701000']],
    ['工伤认定结论互认', ['QR01001000']],
    ['检查检验结果互认', ['GG00104000']],
    ['人才认定互认', ['QR00301000']],
    ['积分入户年限累计认定', ['QR00101000']],
    ['流动人口IC卡互认', ['GG00203000']],
    ['ＩＣ卡', ['GG00203000']], // full-width letters
    ['调档函', ['GG00301000']], // a material name
    ['Pension TRANSFER', ['GG01001000']], // English, any case
    ['pension', ['GG01001000', 'GG01003000']],
    ['社保卡 补卡', ['GG01004000']], // every term must match
  ])('%s', (q, expected) => {
    expect(codes(filterItems(catalogue, { q }))).toEqual(expected);
  });

  it('matches nothing for an unrelated term and everything for blank text', () => {
    expect(filterItems(catalogue, { q: '护照签发' })).toEqual([]);
    expect(matchesText(catalogue.items[0]!, '   ')).toBe(true);
    expect(normalizeText('  ＡＢＣ\t异地 ')).toBe('abc 异地');
  });
});

describe('findItem', () => {
  it('finds an item by base code or implementation code', () => {
    expect(findItem(catalogue, 'GG00101001')?.name.zh).toBe('异地长期居住人员就医备案');
    expect(findItem(catalogue, 'gg00101001440600001')?.code).toBe('GG00101001');
    expect(findItem(catalogue, 'GG99999000')).toBeUndefined();
  });
});

describe('findRoutes: which items a resident of X can file at Y, administered by Z', () => {
  it('a Foshan resident at a Foshan window, administered by Guangzhou', () => {
    const matches = findRoutes(catalogue, { from: FS, at: FS, administeredBy: GZ });
    expect(matches.length).toBeGreaterThan(5);
    expect(matches.every(({ route }) => route.from === FS && route.receivedBy === FS && route.administeredBy === GZ)).toBe(true);
    // e.g. a Foshan-hukou resident applying in Foshan for Guangzhou's hukou or points-based years
    expect(codes(matches.map((m) => m.item))).toEqual(expect.arrayContaining(['XK00201000', 'QR00101000', 'GG00502000']));
  });

  it('a Guangzhou insured person living in Foshan files medical registration there by proxy', () => {
    const matches = findRoutes(catalogue, { from: GZ, at: FS, administeredBy: GZ, mode: 'proxy' });
    expect(codes(matches.map((m) => m.item))).toEqual(expect.arrayContaining(['GG00101001', 'GG01003000', 'GG01004000']));
    expect(matches.every(({ route }) => route.modes.includes('proxy'))).toBe(true);
  });

  it('narrows by domain and text', () => {
    const matches = findRoutes(catalogue, { from: GZ, domain: 'medical-settlement', q: '住院' });
    expect(matches.map((m) => [m.item.code, m.route.receivedBy, m.route.administeredBy, m.route.modes])).toEqual([
      ['GG00102000', FS, GZ, ['joint']],
    ]);
  });
});
