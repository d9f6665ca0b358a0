import { describe, it, expect } from '@jest/globals';
import { toShanghaiDate } from '@guangfo/kernel';
import { CalendarCoverageError, WorkingDayCalendar } from './working-day.calendar.js';
import { loadOfficialCalendar } from '../infrastructure/calendar.loader.js';

const calendar = loadOfficialCalendar();

/** Every date from `from` to `to` inclusive. */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1))
    out.push(d.toISOString().slice(0, 10));
  return out;
}

describe('WorkingDayCalendar — official arrangements (国务院办公厅 notices)', () => {
  // 2025: 春节 1/28–2/4 off, 1/26 (Sun) and 2/8 (Sat) worked; 国庆+中秋 10/1–10/8 off, 9/28 (Sun) and 10/11 (Sat) worked.
  // 2026 (from the chinese-days data, matching the notice for 2026): 元旦 1/1–1/3 off, 1/4 (Sun) worked;
  // 春节 2/15–2/23 off, 2/14 (Sat) and 2/28 (Sat) worked; 劳动节 5/1–5/5 off, 5/9 (Sat) worked;
  // 中秋 9/25–9/27 off; 国庆 10/1–10/7 off, 9/20 (Sun) and 10/10 (Sat) worked.
  it.each([
    ['2025 Spring Festival', '2025-01-28', '2025-02-04', ['2025-01-26', '2025-02-08']],
    ['2025 National Day and Mid-Autumn', '2025-10-01', '2025-10-08', ['2025-09-28', '2025-10-11']],
    ['2026 Spring Festival', '2026-02-15', '2026-02-23', ['2026-02-14', '2026-02-28']],
    ['2026 National Day', '2026-10-01', '2026-10-07', ['2026-09-20', '2026-10-10']],
    ['2026 Mid-Autumn', '2026-09-25', '2026-09-27', []],
  ])('%s: every day off, make-up weekend days worked', (_name, from, to, makeUp) => {
    expect(days(from, to).filter((d) => calendar.isWorkingDay(d))).toEqual([]);
    for (const d of makeUp) {
      expect([0, 6]).toContain(new Date(`${d}T00:00:00Z`).getUTCDay());
      expect(calendar.isWorkingDay(d)).toBe(true);
    }
  });

  it('treats ordinary weekends as off and ordinary weekdays as working', () => {
    expect(calendar.isWorkingDay('2025-03-08')).toBe(false); // Saturday
    expect(calendar.isWorkingDay('2025-03-10')).toBe(true); // Monday
  });

  it('counts 248 working days in 2025 and 248 in 2026', () => {
    expect(calendar.countWorkingDays('2024-12-31', '2025-12-31')).toBe(248);
    expect(calendar.countWorkingDays('2025-12-31', '2026-12-31')).toBe(248);
  });
});

describe('addWorkingDays (the start day is not counted)', () => {
  it.each([
    // 2025 Spring Festival: Fri 1/24 → Sun 1/26 (make-up) → Mon 1/27 → Wed 2/5 → … → Sat 2/8 (make-up)
    ['2025-01-24', 1, '2025-01-26'],
    ['2025-01-24', 2, '2025-01-27'],
    ['2025-01-24', 3, '2025-02-05'],
    ['2025-01-24', 6, '2025-02-08'],
    ['2025-01-24', 7, '2025-02-10'],
    // 2025 National Day: Fri 9/26 → Sun 9/28 (make-up), Mon 9/29, Tue 9/30, Thu 10/9, Fri 10/10, Sat 10/11 (make-up), Mon 10/13
    ['2025-09-26', 1, '2025-09-28'],
    ['2025-09-26', 4, '2025-10-09'],
    ['2025-09-26', 6, '2025-10-11'],
    ['2025-09-26', 7, '2025-10-13'],
    ['2025-09-30', 20, '2025-11-04'], // a 20-day legal limit accepted on the eve of the Golden Week
    // 2026 Spring Festival: Fri 2/13 → Sat 2/14 (make-up) → Tue 2/24; Fri 2/27 → Sat 2/28 (make-up) → Mon 3/2
    ['2026-02-13', 1, '2026-02-14'],
    ['2026-02-13', 2, '2026-02-24'],
    ['2026-02-27', 1, '2026-02-28'],
    ['2026-02-27', 2, '2026-03-02'],
    // 2026 Mid-Autumn + National Day: Fri 9/18 → Sun 9/20 (make-up); 9/25–27 and 10/1–7 off; Sat 10/10 (make-up)
    ['2026-09-18', 1, '2026-09-20'],
    ['2026-09-18', 6, '2026-09-28'],
    ['2026-09-18', 9, '2026-10-08'],
    ['2026-09-18', 11, '2026-10-10'],
    ['2026-09-18', 12, '2026-10-12'],
    // A start on a holiday: counting begins with the next working day.
    ['2025-10-01', 1, '2025-10-09'],
  ])('%s + %i working days = %s', (start, n, expected) => {
    expect(calendar.addWorkingDays(start, n)).toBe(expected);
    expect(calendar.countWorkingDays(start, expected)).toBe(n);
  });

  it('with 0 days gives the start day if it is a working day, else the next working day', () => {
    expect(calendar.addWorkingDays('2025-09-26', 0)).toBe('2025-09-26');
    expect(calendar.addWorkingDays('2026-02-15', 0)).toBe('2026-02-24');
  });

  it('stops the clock during pauses (inclusive), counting overlapping pauses once', () => {
    // Without pauses: 9/26 + 5 = 10/10. Paused 9/29–9/30 (2 working days): 9/28, 10/9, 10/10, 10/11, 10/13.
    expect(calendar.addWorkingDays('2025-09-26', 5)).toBe('2025-10-10');
    const pauses = [
      { from: '2025-09-29', to: '2025-09-30' },
      { from: '2025-09-30', to: '2025-10-05' },
    ];
    expect(calendar.addWorkingDays('2025-09-26', 5, pauses)).toBe('2025-10-13');
    expect(calendar.countWorkingDays('2025-09-26', '2025-10-13', pauses)).toBe(5);
    expect(calendar.pausedWorkingDays(pauses)).toBe(2);
  });

  it('rejects a pause that ends before it starts and a negative day count', () => {
    expect(() => calendar.addWorkingDays('2025-09-26', 5, [{ from: '2025-10-02', to: '2025-10-01' }])).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2025-09-26', -1)).toThrow(RangeError);
  });

  it('counts negative when the end is before the start', () => {
    expect(calendar.countWorkingDays('2025-02-05', '2025-01-24')).toBe(-3);
  });
});

describe('time zone and coverage', () => {
  it('reads instants as Asia/Shanghai dates', () => {
    expect(toShanghaiDate('2025-01-27T17:00:00Z')).toBe('2025-01-28');
    expect(toShanghaiDate(new Date('2025-01-27T15:59:59Z'))).toBe('2025-01-27');
    expect(calendar.isWorkingDay('2025-01-27T16:00:00Z')).toBe(false); // 00:00 on 1/28 in Shanghai, Spring Festival
    expect(() => toShanghaiDate('2025-02-30')).toThrow(RangeError);
  });

  it('without a provisional rule, fails loudly for a year without an official arrangement, never guessing weekdays', () => {
    const strict = new WorkingDayCalendar({ 2026: calendar.officialYear(2026)! });
    expect(strict.coveredYears()).toEqual([2026]);
    expect(strict.statusOf(2027)).toBeNull();
    expect(() => strict.isWorkingDay('2027-03-01')).toThrow(CalendarCoverageError);
    expect(() => strict.addWorkingDays('2026-12-24', 10)).toThrow(/No official holiday arrangement for 2027/);
    expect(() => strict.countWorkingDays('2026-12-30', '2027-01-05')).toThrow(CalendarCoverageError);
    expect(() => strict.countWorkingDays('2027-01-05', '2027-01-05')).toThrow(CalendarCoverageError);
  });

  it('the seed calendar counts a year without a notice (2027) as provisional, on the statutory holidays', () => {
    expect(calendar.coveredYears()).toEqual([2025, 2026]);
    expect(calendar.statusOf(2026)).toBe('official');
    expect(calendar.statusOf(2027)).toBe('provisional');
    expect(calendar.provisionalYears('2026-12-15', '2027-01-13')).toEqual([2027]);
    expect(calendar.provisionalYears('2025-01-01', '2026-12-31')).toEqual([]);
    expect(calendar.isWorkingDay('2027-01-01')).toBe(false); // 元旦 (a Friday)
    expect(calendar.isWorkingDay('2027-01-04')).toBe(true);
    // 20 working days from Tue 2026-12-15: 12 in December, 元旦 off, then 4–8 and 11–13 January.
    expect(calendar.addWorkingDays('2026-12-15', 20)).toBe('2027-01-13');
  });
  it('accepts a newly published year as data', () => {
    const with2027 = loadOfficialCalendar({ 2027: { holidays: ['2027-01-01'], workdays: [] } });
    expect(with2027.isWorkingDay('2027-01-01')).toBe(false);
    expect(with2027.addWorkingDays('2026-12-31', 1)).toBe('2027-01-04');
    expect(() => new WorkingDayCalendar({ 2027: { holidays: ['2026-12-31'], workdays: [] } })).toThrow(/2027 lists 2026-12-31/);
  });
});
