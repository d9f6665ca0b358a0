import { describe, it, expect } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadCatalogueSet } from '../infrastructure/catalogue.loader.js';
import { chineseNumeral, renderCoverageMarkdown, uncoveredCommitments } from './catalogue.coverage.js';
import { itemsByCommitment } from './catalogue.query.js';
import { COVERAGE_DOC, SEED_DIR } from '../../test-fixtures/seed-dirs.js';

const catalogue = loadCatalogueSet(SEED_DIR).current;
const inScope = catalogue.commitments.filter((c) => c.scope === 'item');

describe('coverage of the plan', () => {
  it('maps every in-scope commitment to at least one item', () => {
    expect(inScope.length).toBeGreaterThanOrEqual(40);
    expect(uncoveredCommitments(catalogue).map((c) => `${c.id} ${c.quote}`)).toEqual([]);
  });

  it('has every item reference existing, in-scope commitments', () => {
    const ids = new Set(inScope.map((c) => c.id));
    for (const item of catalogue.items) {
      expect(item.implements.length).toBeGreaterThan(0);
      for (const id of item.implements) expect(ids.has(id) ? id : `${item.code} → ${id}`).toBe(id);
    }
  });

  // The commitments the issue names; each must be listed (quoted) and have an item.
  it.each([
    ['第八章 第二节', '检查检验结果互认'],
    ['第八章 第二节', '异地门诊即时结算'],
    ['第八章 第四节', '工伤认定政策统一、结果互认'],
    ['第八章 第四节', '市民卡、社保卡互通互用'],
    ['第八章 第四节', '养老补贴跟着老人走'],
    ['第八章 第五节', '“跨城通办”服务窗口和事项'],
    ['第八章 第五节', '证照信息互认共享'],
    ['第八章 第五节', '流动人口 IC 卡互认互通'],
    ['第八章 第五节', '人口基础信息共享'],
    ['第五章 第二节', '高层次人才评价标准'],
    ['第五章 第二节', '积分入户年限累计互认'],
    ['第五章 第二节', '就医费用联网直接结算'],
    ['第六章 第三节', '异地迁址变更登记'],
    ['第六章 第三节', '一照多址'],
    ['第六章 第三节', '户籍准入年限同城化累计互认'],
    ['第四章 第一节', '公交乘车码互认互通'],
    ['第五章 第四节', '创新券、创业券在广佛区域内通用'],
    ['第八章 第三节', '公共文化云平台'],
    ['第八章 第三节', '“群体通”线上服务功能'],
  ])('%s “%s” is listed and implemented', (location, phrase) => {
    const map = itemsByCommitment(catalogue);
    const found = inScope.filter(
      (c) => `第${chineseNumeral(c.chapter)}章 第${chineseNumeral(c.section)}节` === location && c.quote.includes(phrase),
    );
    expect(found.length).toBe(1);
    expect(map.get(found[0]!.id)!.length).toBeGreaterThan(0);
  });

  // Each item hangs on the plan text it implements, not on a heading or a neighbouring commitment.
  it.each([
    ['GG00701000', ['P4-1-01']],
    ['QT00101000', ['P6-3-02']],
    ['GG00104000', ['P8-2-04']],
    ['QR01001000', ['P8-4-06']],
    ['GG00101002', ['P5-2-05', 'P8-2-01']],
    ['GF01002000', ['P6-3-05']],
  ])('attributes %s to %j only', (code, ids) => {
    expect(catalogue.items.find((i) => i.code === code)!.implements).toEqual(ids);
  });

  it('quotes no heading as a commitment (the quote says what is done, not where)', () => {
    const headings = catalogue.commitments.filter((c) => c.quote === c.topic || c.quote === c.sectionTitle || c.quote === c.chapterTitle);
    expect(headings.map((c) => `${c.id} ${c.quote}`)).toEqual([]);
  });

  it('lists 守信联合激励和失信联合惩戒 and 轨道交通一票通 as government-internal, with a reason', () => {
    for (const phrase of ['守信联合激励和失信联合惩戒', '一票通', '联合救援和病人转送']) {
      const found = catalogue.commitments.filter((c) => c.quote.includes(phrase));
      expect(found.map((c) => c.scope)).toEqual(['out-of-scope']);
    }
  });

  it('gives every out-of-scope commitment a reason', () => {
    for (const c of catalogue.commitments.filter((x) => x.scope === 'out-of-scope')) expect(c.reason?.length).toBeGreaterThan(10);
  });

  it('keeps docs/catalogue-coverage.md in step with the seeds (UPDATE_CATALOGUE_DOCS=1 rewrites it)', () => {
    const expected = renderCoverageMarkdown(catalogue);
    if (process.env.UPDATE_CATALOGUE_DOCS === '1') writeFileSync(COVERAGE_DOC, expected);
    expect(existsSync(COVERAGE_DOC)).toBe(true);
    expect(readFileSync(COVERAGE_DOC, 'utf8')).toBe(expected);
  });

  it('renders each commitment with its quote and items, and flags a commitment without items', () => {
    const md = renderCoverageMarkdown(catalogue);
    expect(md).toContain('| P8-2-04 | 深化医疗服务政策对接 | “同级医疗机构检查检验结果互认” | `GG00104000` 检查检验结果互认 |');
    const stripped = { ...catalogue, items: catalogue.items.filter((i) => i.code !== 'GG00104000') };
    expect(renderCoverageMarkdown(stripped)).toContain('| P8-2-04 | 深化医疗服务政策对接 | “同级医疗机构检查检验结果互认” | **none** |');
    expect(uncoveredCommitments(stripped).map((c) => c.id)).toEqual(['P8-2-04']);
  });
});

describe('seed quality', () => {
  const GZ = '440100';
  const FS = '440600';

  it('gives every item routes for both ordered pairs, Guangzhou→Foshan and Foshan→Guangzhou', () => {
    const missing = catalogue.items.flatMap((i) =>
      [
        [GZ, FS],
        [FS, GZ],
      ]
        .filter(([from, to]) => !i.routes.some((r) => r.from === from && r.to === to))
        .map(([from, to]) => `${i.code} ${from}→${to}`),
    );
    expect(missing).toEqual([]);
  });

  it('uses every domain, every handling mode and every channel', () => {
    expect(new Set(catalogue.items.map((i) => i.domain))).toEqual(
      new Set(['affairs', 'social-insurance', 'medical-settlement', 'credentials', 'other']),
    );
    const routes = catalogue.items.flatMap((i) => i.routes);
    expect(new Set(routes.flatMap((r) => r.modes))).toEqual(new Set(['online', 'proxy', 'joint']));
    expect(new Set(routes.flatMap((r) => r.channels))).toEqual(new Set(['window', 'online', 'self-service']));
  });

  it('defines the credential types the issue names and uses each of them', () => {
    const used = new Set(catalogue.items.flatMap((i) => i.materials.flatMap((m) => m.replaceableBy)));
    const byName = new Map(catalogue.credentialTypes.map((t) => [t.name.zh, t.code]));
    for (const zh of ['居住证', '营业执照', '社会保障卡', '工伤认定结论书', '检查检验报告', '人才绿卡', '积分入户年限证明']) {
      expect(byName.has(zh) ? zh : `missing ${zh}`).toBe(zh);
      expect(used.has(byName.get(zh)!)).toBe(true);
    }
  });

  it('has statutory limits where a law sets one, in working days', () => {
    const legal = Object.fromEntries(catalogue.items.filter((i) => i.timeLimits.legal !== null).map((i) => [i.code, i.timeLimits.legal]));
    expect(legal).toMatchObject({ XK00101000: 3, XK00102000: 10, XK00201000: 20, GG01002000: 15 });
    // Guangzhou ⇄ Foshan: no pension transfer within the province (issue 13), hence no 45-day limit.
    expect(legal.GG01001000).toBeUndefined();
  });
});
