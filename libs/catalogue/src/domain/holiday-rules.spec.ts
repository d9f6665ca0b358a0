import { describe, it, expect } from '@jest/globals';
import { provisionalArrangement, statutoryHolidayStarts } from './holiday-rules.js';
import { loadOfficialCalendar } from '../infrastructure/calendar.loader.js';

describe('全国年节及纪念日放假办法 (2024 revision) — the provisional arrangement', () => {
  it('art. 2: finds the lunar and solar-term dates with the lunar library', () => {
    expect(statutoryHolidayStarts(2025)).toEqual({
      元旦: '2025-01-01',
      春节: '2025-01-28',
      清明: '2025-04-04',
      劳动节: '2025-05-01',
      端午: '2025-05-31',
      中秋: '2025-10-06',
      国庆节: '2025-10-01',
    });
    expect(statutoryHolidayStarts(2026)).toMatchObject({ 春节: '2026-02-16', 清明: '2026-04-05', 端午: '2026-06-19', 中秋: '2026-09-25' });
    expect(statutoryHolidayStarts(2027)).toMatchObject({ 春节: '2027-02-05', 清明: '2027-04-05', 端午: '2027-06-09', 中秋: '2027-09-15' });
  });

  it('art. 2: every statutory day of 2025 and 2026 is off in the official notices too', () => {
    const official = loadOfficialCalendar();
    for (const year of [2025, 2026]) {
      for (const d of provisionalArrangement(year).festivals.flatMap((f) =>
        f.holidays.slice(0, { 元旦: 1, 春节: 4, 清明: 1, 劳动节: 2, 端午: 1, 中秋: 1, 国庆节: 3 }[f.name]),
      )) {
        expect([d, official.isWorkingDay(d)]).toEqual([d, false]);
      }
    }
  });

  it('art. 6: a statutory day on a Saturday or Sunday is made up on the next weekday off; no 调休 is guessed', () => {
    const y = provisionalArrangement(2027);
    // 春节: 除夕 Fri 2/5, 初一 Sat 2/6, 初二 Sun 2/7, 初三 Mon 2/8, made up Tue 2/9 and Wed 2/10.
    expect(y.festivals.find((f) => f.name === '春节')!.holidays).toEqual([
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-02-09',
      '2027-02-10',
    ]);
    // 国庆: Fri 10/1, Sat 10/2, Sun 10/3, made up Mon 10/4 and Tue 10/5.
    expect(y.festivals.find((f) => f.name === '国庆节')!.holidays).toEqual([
      '2027-10-01',
      '2027-10-02',
      '2027-10-03',
      '2027-10-04',
      '2027-10-05',
    ]);
    expect(y.festivals.find((f) => f.name === '元旦')!.holidays).toEqual(['2027-01-01']); // a Friday
    expect(y.workdays).toEqual([]);
    expect(new Set(y.holidays).size).toBe(y.holidays.length);
  });

  it('refuses years outside the lunar data', () => {
    expect(() => statutoryHolidayStarts(2100)).toThrow(RangeError);
  });
});
