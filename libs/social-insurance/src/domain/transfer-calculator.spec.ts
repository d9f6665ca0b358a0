import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { ContributionMonth } from '@guangfo/contracts';
import { NATIONAL_ACCOUNT_RATES_BP } from './account-rates.js';
import { roundHalfUpFen } from './money.js';
import { monthsFromTo } from './months.js';
import { computeTransferAmounts, fundLegs, pooledShareOfMonths, pooledShareProRata } from './transfer-calculator.js';

const USCC = '91440101MA5CXXXX0Q';
const month = (city: string, m: string, baseFen: number, personalFen: number, personalAccountFen: number): ContributionMonth => ({
  city,
  scheme: 'employee-pension',
  month: m,
  employerUscc: USCC,
  baseFen,
  employerFen: Math.round(baseFen * 0.16),
  personalFen,
  personalAccountFen,
  refunded: false,
});

/** The hand-computed example of docs/social-insurance.md (and of the cross-province scenario). */
export const HAND_EXAMPLE = [
  ...monthsFromTo('2022-07', '2022-12').map((m) => month('440100', m, 800_033, 64_003, 64_003)),
  ...monthsFromTo('2023-01', '2023-06').map((m) => month('440100', m, 900_000, 72_000, 72_000)),
];

describe('computeTransferAmounts (国办发〔2009〕66号 art. 4)', () => {
  it('matches the hand-computed example', () => {
    // 2022: 6 × 800 033 = 4 800 198 base → 12 % = 576 023.76 → 576 024; credits 6 × 64 003 = 384 018.
    // 2023: 6 × 900 000 = 5 400 000 base → 648 000; credits 432 000; interest on 384 018 × 3.97 % = 15 245.5146 → 15 246.
    // 2024: interest on 831 264 × 2.62 % = 21 779.1168 → 21 779. 2025: no published rate in the table.
    const a = computeTransferAmounts(HAND_EXAMPLE, { asOfYear: 2026, ratesBp: NATIONAL_ACCOUNT_RATES_BP });
    expect(a).toEqual({
      personalAccount: { preReformFen: 0, fromReformFen: 816_018, interestFen: 37_025, totalFen: 853_043, yearsWithoutRate: [2025] },
      pooled: {
        years: [
          { year: 2022, months: 6, baseSumFen: 4_800_198, pooledFen: 576_024 },
          { year: 2023, months: 6, baseSumFen: 5_400_000, pooledFen: 648_000 },
        ],
        totalFen: 1_224_024,
      },
      totalFen: 2_077_067,
    });
  });

  it('moves only the personal contributions (with interest) before 1998 and the whole balance from 1998; pooled from 1998', () => {
    const months = [
      ...monthsFromTo('1997-01', '1997-12').map((m) => month('440100', m, 40_000, 1_000, 2_000)),
      month('440100', '1998-01', 50_000, 2_000, 5_000),
    ];
    const a = computeTransferAmounts(months, { asOfYear: 2000, ratesBp: new Map([[1998, 500]]) });
    // 1997 credits 12 × 1 000 (personal contributions only); 1998 interest 12 000 × 5 % = 600; 1998 credit 5 000; 1999 no rate.
    expect(a.personalAccount).toEqual({
      preReformFen: 12_000,
      fromReformFen: 5_000,
      interestFen: 600,
      totalFen: 17_600,
      yearsWithoutRate: [1999],
    });
    expect(a.pooled).toEqual({ years: [{ year: 1998, months: 1, baseSumFen: 50_000, pooledFen: 6_000 }], totalFen: 6_000 });
  });

  it('leaves out refunded months and other schemes', () => {
    const refunded = { ...HAND_EXAMPLE[0]!, refunded: true };
    const medical = { ...HAND_EXAMPLE[1]!, scheme: 'employee-medical' as const, personalAccountFen: 0 };
    const a = computeTransferAmounts([refunded, medical], { asOfYear: 2026, ratesBp: NATIONAL_ACCOUNT_RATES_BP });
    expect(a.totalFen).toBe(0);
  });
});

const arbMonth = fc.record({
  city: fc.constantFrom('440100', '440600'),
  month: fc
    .tuple(fc.integer({ min: 1995, max: 2025 }), fc.integer({ min: 1, max: 12 }))
    .map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`),
  baseFen: fc.integer({ min: 0, max: 5_000_000 }),
  personalFen: fc.integer({ min: 0, max: 400_000 }),
  personalAccountFen: fc.integer({ min: 0, max: 400_000 }),
  refunded: fc.boolean(),
});
const arbMonths = fc
  .uniqueArray(arbMonth, { selector: (m) => `${m.city}|${m.month}`, maxLength: 80 })
  .map((ms) => ms.map((m) => ({ ...month(m.city, m.month, m.baseFen, m.personalFen, m.personalAccountFen), refunded: m.refunded })));
const arbRates = fc
  .dictionary(fc.integer({ min: 1995, max: 2026 }).map(String), fc.integer({ min: 0, max: 1_500 }))
  .map((d) => new Map(Object.entries(d).map(([y, bp]) => [Number(y), bp])));

describe('transfer calculator properties', () => {
  it('amounts are never negative and the parts add up to the total', () => {
    fc.assert(
      fc.property(arbMonths, arbRates, fc.integer({ min: 1995, max: 2030 }), (ms, rates, asOfYear) => {
        const a = computeTransferAmounts(ms, { asOfYear, ratesBp: rates });
        const all = [
          a.totalFen,
          a.pooled.totalFen,
          a.personalAccount.totalFen,
          a.personalAccount.interestFen,
          ...a.pooled.years.map((y) => y.pooledFen),
        ];
        expect(all.every((v) => Number.isSafeInteger(v) && v >= 0)).toBe(true);
        expect(a.personalAccount.totalFen).toBe(
          a.personalAccount.preReformFen + a.personalAccount.fromReformFen + a.personalAccount.interestFen,
        );
        expect(a.pooled.totalFen).toBe(a.pooled.years.reduce((s, y) => s + y.pooledFen, 0));
        expect(a.totalFen).toBe(a.personalAccount.totalFen + a.pooled.totalFen);
      }),
    );
  });

  it('what leaves equals what arrives: the receiving city recomputes the same amounts from the record in any order, and the fund legs balance', () => {
    fc.assert(
      fc.property(arbMonths, arbRates, fc.integer({ min: 2000, max: 2030 }), (ms, rates, asOfYear) => {
        const sent = computeTransferAmounts(ms, { asOfYear, ratesBp: rates });
        const received = computeTransferAmounts([...ms].reverse(), { asOfYear, ratesBp: rates });
        expect(received).toEqual(sent);
        const legs = fundLegs(sent, '440100', '430100');
        expect(legs.reduce((s, l) => s + l.amountFen, 0)).toBe(0);
        expect(legs.filter((l) => l.city === '430100').reduce((s, l) => s + l.amountFen, 0)).toBe(sent.totalFen);
      }),
    );
  });

  it('12 % over any set of partial years equals the month-by-month sum under the rounding rule', () => {
    // Each year: an annual contribution base and the months paid; the month-by-month share of a month is
    // exactly 12 % × base / 12; summed exactly per year and rounded once (one posting per year).
    const arbYears = fc.array(
      fc.record({ annualBaseFen: fc.integer({ min: 0, max: 60_000_000 }), months: fc.integer({ min: 1, max: 12 }) }),
      {
        maxLength: 30,
      },
    );
    fc.assert(
      fc.property(arbYears, (years) => {
        const proRata = years.reduce((s, y) => s + pooledShareProRata(y.annualBaseFen, y.months), 0);
        const monthByMonth = years.reduce((s, y) => {
          let exactTimes1200 = 0n; // fen × 1200
          for (let i = 0; i < y.months; i++) exactTimes1200 += BigInt(y.annualBaseFen) * 12n; // (base / 12) × 12 % = base × 12 / 1200
          return s + roundHalfUpFen(exactTimes1200, 1200n);
        }, 0);
        expect(proRata).toBe(monthByMonth);
        expect(proRata).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('a year of equal monthly bases: the months-based share equals 12 % of the annual base pro rata', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: 1, max: 12 }), (monthlyBase, months) => {
        expect(pooledShareOfMonths(Array.from({ length: months }, () => monthlyBase))).toBe(pooledShareProRata(monthlyBase * 12, months));
      }),
    );
  });
});

describe('the rounding rule', () => {
  it('rounds half up to a whole fen and refuses negative amounts', () => {
    expect(roundHalfUpFen(15_245_5146n, 10_000n)).toBe(15_246);
    expect(roundHalfUpFen(5n, 10n)).toBe(1);
    expect(roundHalfUpFen(4n, 10n)).toBe(0);
    expect(() => roundHalfUpFen(-1n, 10n)).toThrow(RangeError);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.bigInt({ min: 1n, max: 10n ** 6n }), (n, d) => {
        const r = BigInt(roundHalfUpFen(n, d));
        // |n/d − r| ≤ 1/2, and exactly 1/2 only when rounding up (r above n/d).
        expect(2n * (n - r * d) < d && 2n * (r * d - n) <= d).toBe(true);
      }),
    );
  });
});
