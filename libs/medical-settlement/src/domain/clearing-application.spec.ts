import { describe, expect, it } from '@jest/globals';
import {
  applicationTotals,
  CLEARING_APPLICATION_MAX_DAYS,
  declaredMismatches,
  periodProblem,
  periodsOverlap,
  reversalProblem,
  totalsByInsuredCity,
  unreconciledDays,
} from './clearing-application.js';
import type { DayEntry } from './reconciliation.js';

const entry = (
  day: string,
  kind: DayEntry['kind'],
  fund: number,
  insuredCity = '440100',
): DayEntry & { day: string; insuredCity: string } => ({
  day,
  insuredCity,
  settlementId: `${day}-${kind}-${fund}`,
  kind,
  medfeeFen: fund * 2,
  fundFen: fund,
  acctFen: 0,
  cashFen: fund,
});
const totals = (count: number, fund: number) => ({ count, medfeeFen: fund * 2, fundFen: fund, acctFen: 0, cashFen: fund });

describe('3203: which periods may be applied for', () => {
  it('a closed period of at most 31 days', () => {
    expect(periodProblem('2026-03-01', '2026-03-31', '2026-04-01')).toBeNull();
    expect(periodProblem('2026-03-05', '2026-03-05', '2026-03-06')).toBeNull();
  });
  it('refuses a period not over, reversed dates, more than 31 days and dates that do not exist', () => {
    expect(periodProblem('2026-03-01', '2026-03-31', '2026-03-31')).toMatch(/not before today/);
    expect(periodProblem('2026-03-05', '2026-03-04', '2026-04-01')).toMatch(/before begndate/);
    expect(periodProblem('2026-01-01', '2026-02-01', '2026-04-01')).toMatch(`${CLEARING_APPLICATION_MAX_DAYS} days`);
    expect(periodProblem('2026-02-30', '2026-03-01', '2026-04-01')).toMatch(/YYYY-MM-DD/);
    expect(periodProblem('2026-3-1', '2026-03-02', '2026-04-01')).toMatch(/YYYY-MM-DD/);
  });
  it('overlap of inclusive ranges', () => {
    expect(periodsOverlap({ beginOn: '2026-03-01', endOn: '2026-03-31' }, { beginOn: '2026-03-31', endOn: '2026-04-30' })).toBe(true);
    expect(periodsOverlap({ beginOn: '2026-03-01', endOn: '2026-03-31' }, { beginOn: '2026-04-01', endOn: '2026-04-30' })).toBe(false);
  });
});

describe('3203: every day with entries reconciled as the records stand now', () => {
  const entries = [entry('2026-03-02', 'settlement', 100), entry('2026-03-02', 'settlement', 50), entry('2026-03-03', 'reversal', 100)];
  it('passes when the latest run of each day with entries matched the agency totals of now', () => {
    expect(
      unreconciledDays(entries, [
        { day: '2026-03-02', matched: true, agency: totals(2, 150) },
        { day: '2026-03-03', matched: true, agency: { count: -1, medfeeFen: -200, fundFen: -100, acctFen: 0, cashFen: -100 } },
      ]),
    ).toEqual([]);
  });
  it('names each day: no run, a run that did not match, a matched run older than the day’s entries', () => {
    expect(unreconciledDays(entries, [{ day: '2026-03-02', matched: true, agency: totals(1, 100) }])).toEqual([
      { day: '2026-03-02', reason: 'CHANGED_SINCE' },
      { day: '2026-03-03', reason: 'NOT_RECONCILED' },
    ]);
    expect(unreconciledDays(entries.slice(0, 2), [{ day: '2026-03-02', matched: false, agency: totals(2, 150) }])).toEqual([
      { day: '2026-03-02', reason: 'NOT_MATCHED' },
    ]);
  });
  it('a day without entries needs no run; a run of such a day must still have matched (the hospital claimed what the agency lacks)', () => {
    expect(unreconciledDays([], [])).toEqual([]);
    expect(unreconciledDays([], [{ day: '2026-03-04', matched: true, agency: totals(0, 0) }])).toEqual([]);
    expect(unreconciledDays([], [{ day: '2026-03-04', matched: false, agency: totals(0, 0) }])).toEqual([
      { day: '2026-03-04', reason: 'NOT_MATCHED' },
    ]);
  });
});

describe('3203: the sums are the agency’s', () => {
  const entries = [
    entry('2026-03-02', 'settlement', 100),
    entry('2026-03-02', 'settlement', 40, '440600'),
    entry('2026-03-03', 'reversal', 100),
    { ...entry('2026-03-04', 'settlement', 10), acctFen: 7, cashFen: 3 },
  ];
  it('settlements positive, reversals negative; the claim is fund + account; split by insured city', () => {
    expect(applicationTotals(entries)).toEqual({ count: 2, medfeeFen: 100, fundFen: 50, acctFen: 7, cashFen: 43, claimFen: 57 });
    expect(totalsByInsuredCity(entries)).toEqual({
      '440100': { count: 1, medfeeFen: 20, fundFen: 10, acctFen: 7, cashFen: 3, claimFen: 17 },
      '440600': { count: 1, medfeeFen: 80, fundFen: 40, acctFen: 0, cashFen: 40, claimFen: 40 },
    });
  });
  it('the per-city sums add up to the whole, to the fen', () => {
    const whole = applicationTotals(entries);
    const parts = Object.values(totalsByInsuredCity(entries));
    for (const f of ['count', 'medfeeFen', 'fundFen', 'acctFen', 'cashFen', 'claimFen'] as const)
      expect(parts.reduce((s, p) => s + p[f], 0)).toBe(whole[f]);
  });
  it('declared sums: only the fields sent are compared', () => {
    const agency = totals(2, 150);
    expect(declaredMismatches(undefined, agency)).toEqual([]);
    expect(declaredMismatches({ fundFen: 150 }, agency)).toEqual([]);
    expect(declaredMismatches({ count: 3, fundFen: 150, cashFen: 149 }, agency)).toEqual([
      { field: 'count', hospital: 3, agency: 2 },
      { field: 'cashFen', hospital: 149, agency: 150 },
    ]);
  });
});

describe('3204: reversed only before the agency processes it', () => {
  it('applied → reversible; processed or reversed → the code that says why not', () => {
    expect(reversalProblem('applied')).toBeNull();
    expect(reversalProblem('processed')).toBe('MEDICAL_CLEARING_APPLICATION_PROCESSED');
    expect(reversalProblem('reversed')).toBe('MEDICAL_CLEARING_APPLICATION_REVERSED');
  });
});
