import type { Commitment } from './catalogue.schema.js';
import { itemsByCommitment } from './catalogue.query.js';
import type { Catalogue } from './catalogue.types.js';

const NUMERALS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** 8 → 八, 12 → 十二 (chapter and section numbers of the plan). */
export function chineseNumeral(n: number): string {
  if (n <= 10) return NUMERALS[n]!;
  if (n < 20) return `十${NUMERALS[n - 10]}`;
  return `${NUMERALS[Math.floor(n / 10)]}十${n % 10 === 0 ? '' : NUMERALS[n % 10]}`;
}

/** 第八章 第二节 */
export function planLocation(c: Pick<Commitment, 'chapter' | 'section'>): string {
  return `第${chineseNumeral(c.chapter)}章 第${chineseNumeral(c.section)}节`;
}

/** Commitments in scope that no item implements (should be empty). */
export function uncoveredCommitments(catalogue: Catalogue): Commitment[] {
  const map = itemsByCommitment(catalogue);
  return catalogue.commitments.filter((c) => c.scope === 'item' && (map.get(c.id)?.length ?? 0) === 0);
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** docs/catalogue-coverage.md: each plan commitment, quoted, with the items that implement it. */
export function renderCoverageMarkdown(catalogue: Catalogue): string {
  const map = itemsByCommitment(catalogue);
  const inScope = catalogue.commitments.filter((c) => c.scope === 'item');
  const outOfScope = catalogue.commitments.filter((c) => c.scope === 'out-of-scope');
  const lines: string[] = [
    '# Service catalogue — coverage of the plan',
    '',
    '<!-- Generated from seeds/catalogue by renderCoverageMarkdown() (libs/catalogue). Do not edit by hand:',
    '     UPDATE_CATALOGUE_DOCS=1 npm test -- libs/catalogue/src/domain/catalogue.coverage.spec.ts -->',
    '',
    `Catalogue version ${catalogue.version} (effective ${catalogue.effectiveFrom}), cities ${catalogue.cities.join(', ')}.`,
    `${inScope.length} commitments of 《广佛全域同城化“十四五”发展规划》 map to ${catalogue.items.length} items; ` +
      `${outOfScope.length} more were read and judged government-internal (listed at the end).`,
    '',
  ];
  let heading = '';
  for (const c of inScope) {
    const h = `## ${planLocation(c)} ${c.sectionTitle}`;
    if (h !== heading) {
      if (heading) lines.push('');
      heading = h;
      lines.push(h, '', `_${c.chapterTitle}_`, '', '| Id | Topic | Commitment (quoted) | Items |', '|---|---|---|---|');
    }
    const items = (map.get(c.id) ?? []).map((i) => `\`${i.code}\` ${i.name.zh}`).join('<br>');
    lines.push(`| ${c.id} | ${cell(c.topic)} | “${cell(c.quote)}” | ${items || '**none**'} |`);
  }
  lines.push('', '## Read but out of scope', '', '| Id | Where | Commitment (quoted) | Why no item |', '|---|---|---|---|');
  for (const c of outOfScope) {
    lines.push(`| ${c.id} | ${planLocation(c)} ${cell(c.topic)} | “${cell(c.quote)}” | ${cell(c.reason ?? '')} |`);
  }
  lines.push('');
  return lines.join('\n');
}
