import { describe, expect, it } from '@jest/globals';
import { compareDetails, compareTotals, type DayEntry, dayTotals } from './reconciliation.js';

const e = (id: string, kind: DayEntry['kind'], fund: number): DayEntry => ({
  settlementId: id,
  kind,
  medfeeFen: 1_000,
  fundFen: fund,
  acctFen: 0,
  cashFen: 1_000 - fund,
});

describe('daily reconciliation (3201 / 3202)', () => {
  it('nets reversals of the day and names each differing total', () => {
    const agency = [e('a', 'settlement', 600), e('b', 'settlement', 300), e('b', 'reversal', 300)];
    expect(dayTotals(agency)).toEqual({ count: 1, medfeeFen: 1_000, fundFen: 600, acctFen: 0, cashFen: 400 });
    expect(compareTotals(dayTotals(agency), dayTotals(agency))).toEqual([]);
    expect(compareTotals({ count: 2, medfeeFen: 2_000, fundFen: 900, acctFen: 0, cashFen: 1_100 }, dayTotals(agency))).toEqual([
      { field: 'count', hospital: 2, agency: 1 },
      { field: 'medfeeFen', hospital: 2_000, agency: 1_000 },
      { field: 'fundFen', hospital: 900, agency: 600 },
      { field: 'cashFen', hospital: 1_100, agency: 400 },
    ]);
  });

  it('gives a reason for each detail mismatch', () => {
    const agency = [e('a', 'settlement', 600), e('b', 'settlement', 300), e('b', 'reversal', 300)];
    const hospital = [e('a', 'settlement', 650), e('b', 'settlement', 300), e('z', 'settlement', 1)];
    expect(compareDetails(hospital, agency)).toEqual([
      { settlementId: 'a', kind: 'settlement', reason: 'AMOUNT_MISMATCH', fields: ['fundFen', 'cashFen'] },
      { settlementId: 'z', kind: 'settlement', reason: 'MISSING_AT_AGENCY' },
      { settlementId: 'b', kind: 'reversal', reason: 'MISSING_AT_HOSPITAL' },
    ]);
  });
});
