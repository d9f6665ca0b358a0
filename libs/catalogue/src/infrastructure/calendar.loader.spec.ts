import { describe, it, expect } from '@jest/globals';
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogueSeedError } from '../catalogue.errors.js';
import { defaultCalendarDir, loadCalendar, loadOfficialCalendar, parseCalendarYear } from './calendar.loader.js';

/** The regression baseline: the `chinese-days` package's data for 2025 and 2026. */
const baseline = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
};
const baselineOf = (year: number, kind: 'holidays' | 'workdays') =>
  Object.keys(baseline[kind])
    .filter((d) => d.startsWith(`${year}-`))
    .sort();

const dirWith = (files: Record<string, string>): string => {
  const dir = mkdtempSync(join(tmpdir(), 'calendar-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
};

describe('calendar seed files (seeds/calendar)', () => {
  const calendar = loadCalendar(defaultCalendarDir());

  it.each([2025, 2026])('%i matches the chinese-days data day for day', (year) => {
    const y = calendar.officialYear(year)!;
    expect(y.holidays).toEqual(baselineOf(year, 'holidays'));
    expect(y.workdays).toEqual(baselineOf(year, 'workdays'));
    expect(y.notice?.title).toBe(`国务院办公厅关于${year}年部分节假日安排的通知`);
  });

  it('names the notices and has a stable identity', () => {
    expect(calendar.officialYear(2025)!.notice).toEqual({
      title: '国务院办公厅关于2025年部分节假日安排的通知',
      number: '国办发明电〔2024〕12号',
      date: '2024-11-12',
    });
    expect(calendar.officialYear(2026)!.notice?.date).toBe('2025-11-04');
    const id = calendar.identity();
    expect(id.version).toBe('2025+2026');
    expect(id.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(loadCalendar(defaultCalendarDir()).identity()).toEqual(id);
    expect(loadOfficialCalendar().identity()).toEqual(id);
  });

  it('rejects invalid files, naming file and field', () => {
    const dir = dirWith({
      '2027.yaml':
        'year: 2027\nnotice: { title: 测试通知（非官方）, date: 2026-11-01 }\nfestivals:\n  - name: 元旦\n    holidays: [2027-01-01, 2026-12-31]\n    workdays: [2027-01-05]\n',
      '2028.yaml':
        'year: 2029\nnotice: { title: 测试通知（非官方）, date: 2027-11-01 }\nfestivals:\n  - { name: 元旦, holidays: [2029-01-01] }\n',
    });
    let error: unknown;
    try {
      loadCalendar(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CatalogueSeedError);
    const messages = (error as CatalogueSeedError).issues.map((i) => `${i.file.split('/').pop()} ${i.field ?? ''}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        '2027.yaml festivals[0].holidays[1]: 2026-12-31 is not in 2027',
        '2027.yaml festivals[0].workdays[0]: 2027-01-05 is a weekday: a make-up working day is a Saturday or Sunday',
        '2028.yaml year: is 2029 but the file is 2028.yaml',
      ]),
    );
  });

  it('validates an admin request body with the same schema', () => {
    expect(
      parseCalendarYear({ year: 2027, notice: { title: '测试', date: '2026-11-01' }, festivals: [] }, 'request').issues[0],
    ).toMatchObject({ file: 'request', field: 'notice.title' });
    const ok = parseCalendarYear(
      { year: 2027, notice: { title: '测试通知（非官方）', date: '2026-11-01' }, festivals: [{ name: '元旦', holidays: ['2027-01-01'] }] },
      'request',
    );
    expect(ok.issues).toEqual([]);
    expect(ok.value?.festivals[0]?.workdays).toEqual([]);
  });

  it('loading a year replaces the provisional arrangement', () => {
    const cal = loadCalendar(
      dirWith({
        '2026.yaml':
          'year: 2026\nnotice: { title: 国务院办公厅关于2026年部分节假日安排的通知, date: 2025-11-04 }\nfestivals:\n  - { name: 元旦, holidays: [2026-01-01] }\n',
      }),
    );
    expect(cal.statusOf(2027)).toBe('provisional');
    expect(cal.isWorkingDay('2027-01-04')).toBe(true);
    const before = cal.identity();
    const change = cal.load(2027, {
      holidays: ['2027-01-01', '2027-01-04'],
      workdays: [],
      notice: { title: '测试通知（非官方）', date: '2026-11-01' },
    });
    expect(change).toMatchObject({ year: 2027, previous: 'provisional', identity: { version: '2026+2027' } });
    expect(change.identity.hash).not.toBe(before.hash);
    expect(cal.statusOf(2027)).toBe('official');
    expect(cal.isWorkingDay('2027-01-04')).toBe(false);
    expect(cal.provisionalYears('2026-12-15', '2027-01-14')).toEqual([]);
  });
});
