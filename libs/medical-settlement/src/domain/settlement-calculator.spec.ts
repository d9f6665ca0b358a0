import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DEMO_CATALOGUE, DEMO_POLICY, demoCatalogue } from '../../test-fixtures/demo-policy.js';
import { FILING_KINDS, type FilingStanding } from './filing.js';
import { HOSPITAL_LEVELS, insuredPolicySchema, VISIT_TYPES } from './policy.js';
import { apportion, calculateSettlement, type FeeLine, SettlementInputError, settlementBalances } from './settlement-calculator.js';

const LINES: FeeLine[] = [
  { lineNo: 1, code: 'A-001', quantity: 2, unitPriceFen: 1_500 },
  { lineNo: 2, code: 'A-002', quantity: 1, unitPriceFen: 3_000 },
  { lineNo: 3, code: 'B-001', quantity: 1, unitPriceFen: 20_000 },
  { lineNo: 4, code: 'C-001', quantity: 1, unitPriceFen: 50_000 },
  { lineNo: 5, code: 'ZZZ-999', quantity: 1, unitPriceFen: 1_000 },
];
const base = {
  visitType: 'outpatient' as const,
  hospitalLevel: 'tertiary' as const,
  standing: 'resettled-retiree' as FilingStanding,
  policy: DEMO_POLICY,
  catalogue: demoCatalogue,
  lines: LINES,
  fundAvailableFen: 10_000_000,
  accountAvailableFen: 5_000,
};

describe('settlement calculator', () => {
  it('classifies each line by the treating catalogue and splits fund / account / cash to the fen', () => {
    const s = calculateSettlement(base);
    // 3000 + 3000 + 20000 + 50000 + 1000; in scope 3000 + 2500 + 18000; deductible 100.00 yuan (tertiary outpatient);
    // fund = floor(13500 × 60 %) = 8100; account 5000 over lines 1–2; the rest cash.
    expect(s.totals).toEqual({
      medfee_sumamt: 77_000,
      fulamt_ownpay_amt: 51_000,
      overlmt_selfpay: 500,
      preselfpay_amt: 2_000,
      inscp_scp_amt: 23_500,
      act_pay_dedc: 10_000,
      hifp_pay: 8_100,
      fund_pay_sumamt: 8_100,
      acct_pay: 5_000,
      psn_cash_pay: 63_900,
    });
    expect(s.ratioBp).toBe(6_000);
    expect(s.shortfall).toBeNull();
    expect(s.lines.map((l) => [l.class, l.deductibleFen, l.fundFen, l.accountFen, l.cashFen])).toEqual([
      ['A', 3_000, 0, 3_000, 0],
      ['A', 2_500, 0, 2_000, 1_000],
      ['B', 4_500, 8_100, 0, 11_900],
      ['C', 0, 0, 0, 50_000],
      ['unlisted', 0, 0, 0, 1_000],
    ]);
    expect(s.lines[1]!.reasons).toEqual(['OVER_PRICE_CAP', 'DEDUCTIBLE', 'ACCOUNT_PAID', 'ACCOUNT_EXHAUSTED']);
    expect(s.lines[2]!.explain).toContain('乙类, 先行自付 10% = 20.00 元 (四舍五入到分)');
    expect(s.lines[4]!.reasons).toEqual(['NOT_LISTED']);
    expect(settlementBalances(s)).toBe(true);
  });

  it('reduces the ratio for referral (−10 points) and unregistered / other temporary visits (−20 points)', () => {
    expect(calculateSettlement({ ...base, standing: 'referral' }).totals.hifp_pay).toBe(6_750); // 13500 × 50 %
    expect(calculateSettlement({ ...base, standing: 'unregistered' }).totals.hifp_pay).toBe(5_400); // 13500 × 40 %
    expect(calculateSettlement({ ...base, standing: 'other-temporary' }).ratioBp).toBe(4_000);
  });

  it('pays no more than the allowance and says why the rest is the person’s', () => {
    const s = calculateSettlement({ ...base, fundAvailableFen: 5_000, accountAvailableFen: 0 });
    expect(s.totals.hifp_pay).toBe(5_000);
    expect(s.shortfall).toEqual({ fen: 3_100, reason: 'FUND_ALLOWANCE_EXHAUSTED' });
    expect(s.lines[2]!.reasons).toContain('FUND_ALLOWANCE_EXHAUSTED');
    expect(s.totals.psn_cash_pay).toBe(77_000 - 5_000);
  });

  it('refuses malformed lines (a settlement error, never a wrong sum)', () => {
    expect(() => calculateSettlement({ ...base, lines: [] })).toThrow(SettlementInputError);
    expect(() => calculateSettlement({ ...base, lines: [{ ...LINES[0]!, quantity: 0 }] })).toThrow(SettlementInputError);
    expect(() => calculateSettlement({ ...base, lines: [LINES[0]!, LINES[0]!] })).toThrow(SettlementInputError);
    expect(() => calculateSettlement({ ...base, lines: [{ ...LINES[0]!, unitPriceFen: 1.5 }] })).toThrow(SettlementInputError);
  });

  it('a policy reducing a long-term kind, or a temporary one beyond the 22号文 maximum, does not load', () => {
    expect(insuredPolicySchema.safeParse(DEMO_POLICY).success).toBe(true);
    expect(insuredPolicySchema.safeParse({ ...DEMO_POLICY, reductionBp: { ...DEMO_POLICY.reductionBp, referral: 1_500 } }).success).toBe(
      false,
    );
    expect(
      insuredPolicySchema.safeParse({ ...DEMO_POLICY, reductionBp: { ...DEMO_POLICY.reductionBp, 'resettled-retiree': 1 } }).success,
    ).toBe(false);
  });

  it('apportions exactly', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(0, [5, 5])).toEqual([0, 0]);
    fc.assert(
      fc.property(fc.nat(1_000_000_000), fc.array(fc.nat(1_000_000), { minLength: 1, maxLength: 20 }), (total, w) => {
        const s = apportion(total, w);
        const sum = w.reduce((a, b) => a + b, 0);
        return sum === 0
          ? s.every((x) => x === 0)
          : s.reduce((a, b) => a + b, 0) === total && s.every((x, i) => x >= 0 && (w[i] === 0 ? x === 0 : true));
      }),
    );
  });

  // 100 000 random claims (200 runs × 500 claims): fund + account + cash = total on every claim and every line, each part ≥ 0,
  // the fund never above the allowance nor above ratio × (in scope − deductible).
  it('balances to the fen over 100 000 random claims', () => {
    const codes = [...DEMO_CATALOGUE.map((e) => e.code), 'UNLISTED'];
    const line = fc.record({
      code: fc.constantFrom(...codes),
      quantity: fc.integer({ min: 1, max: 50 }),
      unitPriceFen: fc.integer({ min: 0, max: 2_000_000 }),
    });
    const claim = fc.record({
      visitType: fc.constantFrom(...VISIT_TYPES),
      hospitalLevel: fc.constantFrom(...HOSPITAL_LEVELS),
      standing: fc.constantFrom<FilingStanding>(...FILING_KINDS, 'unregistered'),
      lines: fc.array(line, { minLength: 1, maxLength: 8 }),
      fundAvailableFen: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000_000 })),
      accountAvailableFen: fc.integer({ min: 0, max: 500_000 }),
    });
    let claims = 0;
    fc.assert(
      fc.property(fc.array(claim, { minLength: 500, maxLength: 500 }), (batch) => {
        for (const c of batch) {
          claims += 1;
          const s = calculateSettlement({
            ...c,
            policy: DEMO_POLICY,
            catalogue: demoCatalogue,
            lines: c.lines.map((l, i) => ({ ...l, lineNo: i + 1 })),
          });
          if (!settlementBalances(s)) return false;
          if (s.totals.hifp_pay > c.fundAvailableFen || s.totals.acct_pay > c.accountAvailableFen) return false;
          if (s.totals.hifp_pay > Math.floor(((s.totals.inscp_scp_amt - s.totals.act_pay_dedc) * s.ratioBp) / 10_000)) return false;
        }
        return true;
      }),
      { numRuns: 200 },
    );
    expect(claims).toBe(100_000);
  });
});
