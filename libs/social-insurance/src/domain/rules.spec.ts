import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { ContributionMonth } from '@guangfo/contracts';
import { findDuplicateMonths, refundLines, refundsByCity } from './duplicates.js';
import { medicalGap, medicalTransferDeadlines } from './medical-transfer.js';
import { addMonths, addMonthsToDate, monthsFromTo } from './months.js';
import { needsTemporaryAccount, pensionPlace } from './pension-place.js';
import { transferDeadlines } from './transfer-timeline.js';

const USCC = '91440101MA5CXXXX0Q';
const m = (city: string, month: string, refunded = false): ContributionMonth => ({
  city,
  scheme: 'employee-pension',
  month,
  employerUscc: USCC,
  baseFen: 500_000,
  employerFen: 80_000,
  personalFen: 40_000,
  personalAccountFen: 40_000,
  refunded,
});
const PROVINCE: Record<string, string> = { '440100': '440000', '440600': '440000', '430100': '430000', '450100': '450000' };
const regionOf = (c: string) => PROVINCE[c]!;

describe('duplicate months (重复缴费)', () => {
  it('finds months paid in two cities; the aggregating city keeps them, the other refunds, each month once', () => {
    const months = [
      ...monthsFromTo('2015-01', '2015-06').map((x) => m('440100', x)),
      ...monthsFromTo('2015-06', '2015-12').map((x) => m('440600', x)),
    ];
    const dups = findDuplicateMonths(months, '440600');
    expect(dups).toEqual([{ month: '2015-06', cities: ['440100', '440600'], keptCity: '440600' }]);
    expect(refundsByCity(dups)).toEqual(new Map([['440100', ['2015-06']]]));
    const gz = months.filter((x) => x.city === '440100');
    expect(refundLines(gz, ['2015-06'])).toEqual({
      lines: [{ month: '2015-06', personalFen: 40_000, employerFen: 80_000 }],
      alreadyRefunded: [],
      refundFen: 120_000,
    });
    // Once refunded, asking again refunds nothing.
    const after = gz.map((x) => (x.month === '2015-06' ? { ...x, refunded: true } : x));
    expect(refundLines(after, ['2015-06'])).toEqual({ lines: [], alreadyRefunded: ['2015-06'], refundFen: 0 });
    expect(findDuplicateMonths([...after, ...months.filter((x) => x.city === '440600')], '440600')).toEqual([]);
  });

  it('without the aggregating city among them, the longer relationship keeps the month', () => {
    const months = [...monthsFromTo('2010-01', '2015-06').map((x) => m('440100', x)), m('440600', '2015-06')];
    expect(findDuplicateMonths(months, '430100')[0]!.keptCity).toBe('440100');
  });

  it('never refunds a kept month and refunds every other copy (property)', () => {
    const arb = fc.uniqueArray(
      fc.record({ city: fc.constantFrom('440100', '440600', '430100'), month: fc.constantFrom(...monthsFromTo('2020-01', '2020-12')) }),
      {
        selector: (x) => `${x.city}|${x.month}`,
      },
    );
    fc.assert(
      fc.property(arb, fc.constantFrom('440100', '440600', '430100'), (rows, agg) => {
        const months = rows.map((r) => m(r.city, r.month));
        const dups = findDuplicateMonths(months, agg);
        const refunds = refundsByCity(dups);
        for (const d of dups) {
          expect(d.cities).toContain(d.keptCity);
          expect(refunds.get(d.keptCity) ?? []).not.toContain(d.month);
          for (const c of d.cities.filter((c) => c !== d.keptCity)) expect(refunds.get(c)).toContain(d.month);
        }
        // After the refunds, one city per month remains.
        const after = months.map((x) => ({ ...x, refunded: (refunds.get(x.city) ?? []).includes(x.month) }));
        expect(findDuplicateMonths(after, agg)).toEqual([]);
      }),
    );
  });
});

describe('where the pension is drawn (10-year rule, 国办发〔2009〕66号 art. 6)', () => {
  const years = (city: string, from: string, n: number) => monthsFromTo(from, addMonths(from, n * 12 - 1)).map((x) => m(city, x));
  it('the hukou region when the relationship is there', () => {
    expect(pensionPlace([...years('430100', '2000-01', 3), ...years('440100', '2003-01', 5)], '440000', regionOf)).toMatchObject({
      region: '440000',
      rule: 'hukou',
    });
  });
  it('Guangzhou and Foshan are one provincial pool: 5 + 6 years there count as 11', () => {
    const p = pensionPlace([...years('440100', '2000-01', 5), ...years('440600', '2005-01', 6)], '430000', regionOf);
    expect(p).toEqual({ region: '440000', rule: 'current-ten-years', monthsByRegion: { '440000': 132 } });
  });
  it('the last earlier region with 10 years when the current one has fewer', () => {
    const p = pensionPlace(
      [...years('450100', '1995-01', 10), ...years('440100', '2005-01', 12), ...years('430100', '2017-01', 3)],
      '460000',
      regionOf,
    );
    expect(p).toMatchObject({ region: '440000', rule: 'previous-ten-years' });
  });
  it('the hukou region when no region has 10 years', () => {
    expect(pensionPlace([...years('440100', '2005-01', 9), ...years('430100', '2014-01', 9)], '450000', regionOf)).toMatchObject({
      region: '450000',
      rule: 'hukou-fallback',
    });
  });
  it('a temporary account for a man of 50+ or a woman of 40+ insured outside the hukou province', () => {
    const base = { hukouRegion: '440000', newRegion: '430000', on: '2026-12-01' };
    expect(needsTemporaryAccount({ ...base, birthDate: '1976-12-01', sex: 'male' })).toBe(true);
    expect(needsTemporaryAccount({ ...base, birthDate: '1976-12-02', sex: 'male' })).toBe(false);
    expect(needsTemporaryAccount({ ...base, birthDate: '1986-12-01', sex: 'female' })).toBe(true);
    expect(needsTemporaryAccount({ ...base, birthDate: '1960-01-01', sex: 'male', newRegion: '440000' })).toBe(false);
  });
});

describe('transfer deadlines (15 working days per step)', () => {
  // A calendar of Monday–Friday working days only (enough to test the counting).
  const weekdays = {
    addWorkingDays: (start: string, n: number) => {
      const d = new Date(`${start}T00:00:00Z`);
      while (n > 0) {
        d.setUTCDate(d.getUTCDate() + 1);
        if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) n--;
      }
      return d.toISOString().slice(0, 10);
    },
  };
  const e = (seq: number, step: 'applied' | 'contact-letter-sent' | 'funds-transferred' | 'continued', on: string, city: string) => ({
    seq,
    step,
    city,
    on,
    at: `${on}T02:00:00.000Z`,
    actor: { role: 'clerk' as const, city },
  });
  it('counts each step from the one before and marks late steps', () => {
    const t = {
      fromCity: '440100',
      toCity: '430100',
      entries: [e(1, 'applied', '2026-11-02', '430100'), e(2, 'contact-letter-sent', '2026-11-30', '430100')],
    };
    expect(transferDeadlines(weekdays, t, '2026-12-01')).toEqual([
      { step: 'contact-letter-sent', city: '430100', dueOn: '2026-11-23', doneOn: '2026-11-30', late: true },
      { step: 'funds-transferred', city: '440100', dueOn: '2026-12-21', doneOn: null, late: false },
    ]);
  });
});

describe('medical insurance gap (医保办发〔2021〕43号)', () => {
  it('continuous, pay-up within 3 months with back-dated benefits, else a waiting period of up to 6 months', () => {
    expect(medicalGap('2026-05', '2026-06')).toEqual({ kind: 'continuous' });
    expect(medicalGap('2026-05', '2026-09')).toEqual({ kind: 'pay-up', gapMonths: 3, backDated: true });
    expect(medicalGap('2026-05', '2026-10')).toEqual({ kind: 'waiting-period', gapMonths: 4, maxWaitingMonths: 6 });
  });
  it('the old place releases within 10 working days, the new place continues within 5', () => {
    const weekdays = {
      addWorkingDays: (start: string, n: number) => {
        const d = new Date(`${start}T00:00:00Z`);
        while (n > 0) {
          d.setUTCDate(d.getUTCDate() + 1);
          if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) n--;
        }
        return d.toISOString().slice(0, 10);
      },
    };
    const t = {
      fromCity: '440100',
      toCity: '440600',
      entries: [
        { step: 'applied', on: '2026-11-02' },
        { step: 'released', on: '2026-11-20' },
      ],
    };
    expect(medicalTransferDeadlines(weekdays, t, '2026-11-30')).toEqual([
      { step: 'released', city: '440100', dueOn: '2026-11-16', doneOn: '2026-11-20', late: true },
      { step: 'continued', city: '440600', dueOn: '2026-11-27', doneOn: null, late: true },
    ]);
  });
});

describe('months', () => {
  it('adds months to a date, clamping to the month end', () => {
    expect(addMonthsToDate('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonthsToDate('2025-11-20', 12)).toBe('2026-11-20');
  });
});
