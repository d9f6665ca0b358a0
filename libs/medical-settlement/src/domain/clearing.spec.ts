import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { type ClearingClaim, statementItems, statementState, statementTotals, verifyStatement } from './clearing.js';

const claim = (id: string, settledOn: string, fund: number, reversedOn: string | null = null): ClearingClaim => ({
  settlementId: id,
  settledOn,
  reversedOn,
  fundFen: fund,
  accountFen: 100,
  totalFen: fund + 1_000,
});

describe('monthly clearing statement', () => {
  it('lists the period’s claims, reversals of earlier periods as negative items, and balances with the advance', () => {
    const claims = [
      claim('a', '2026-03-02', 5_000),
      claim('b', '2026-03-05', 7_000, '2026-03-06'),
      claim('c', '2026-02-20', 3_000, '2026-03-01'),
    ];
    const items = statementItems(claims, '2026-03');
    expect(items.map((i) => [i.settlementId, i.kind, i.fundFen])).toEqual([
      ['a', 'claim', 5_000],
      ['c', 'reversal', -3_000],
    ]);
    const totals = statementTotals(items, 1_000);
    expect(totals).toMatchObject({ claimedFundFen: 2_000, claimedAccountFen: 0, payableFundFen: 2_000, netFen: 1_000 });
    expect(verifyStatement({ period: '2026-03', items, totals }, claims)).toEqual({ ok: true, problems: [] });
  });

  it('a withdrawn contest leaves the payable sum; confirmation waits for every answer', () => {
    const claims = [claim('a', '2026-03-02', 5_000), claim('b', '2026-03-03', 2_000)];
    const items = statementItems(claims, '2026-03');
    items[1]!.contest = { reason: 'NOT_REGISTERED', note: '未备案', answer: null };
    expect(statementState(items, false)).toBe('contested');
    items[1]!.contest.answer = { outcome: 'withdrawn', note: '核实后撤回, 下期更正' };
    expect(statementState(items, false)).toBe('answered');
    const totals = statementTotals(items, 0);
    expect(totals).toMatchObject({
      claimedFundFen: 7_000,
      withdrawnFundFen: 2_000,
      payableFundFen: 5_000,
      payableAccountFen: 100,
      netFen: 5_100,
    });
    expect(verifyStatement({ period: '2026-03', items, totals }, claims).ok).toBe(true);
  });

  it('the verifier catches a missing, invented, altered or mis-summed item', () => {
    const claims = [claim('a', '2026-03-02', 5_000), claim('b', '2026-03-03', 2_000)];
    const items = statementItems(claims, '2026-03');
    const totals = statementTotals(items, 0);
    expect(verifyStatement({ period: '2026-03', items: items.slice(1), totals }, claims).problems).toEqual(
      expect.arrayContaining(['claim:a missing', 'totals.items is 2, the items give 1']),
    );
    expect(verifyStatement({ period: '2026-03', items: [...items, { ...items[0]!, settlementId: 'z' }], totals }, claims).ok).toBe(false);
    expect(verifyStatement({ period: '2026-03', items: [{ ...items[0]!, fundFen: 5_001 }, items[1]!], totals }, claims).ok).toBe(false);
    expect(verifyStatement({ period: '2026-03', items, totals: { ...totals, netFen: totals.netFen + 1 } }, claims).ok).toBe(false);
  });

  // Random claims over three months with reversals: every period's statement verifies, and across the periods each
  // settlement's net is its amount if not reversed and 0 if reversed — clearing balances exactly.
  it('balances exactly across periods (100 000 random claims)', () => {
    const day = fc.integer({ min: 0, max: 89 }).map((d) => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));
    const c = fc.record({
      settledOn: day,
      fund: fc.integer({ min: 0, max: 10_000_000 }),
      acct: fc.integer({ min: 0, max: 100_000 }),
      cash: fc.integer({ min: 0, max: 1_000_000 }),
      reversal: fc.option(fc.integer({ min: 0, max: 60 })),
    });
    fc.assert(
      fc.property(fc.array(c, { minLength: 1000, maxLength: 1000 }), (raw) => {
        const claims: ClearingClaim[] = raw.map((r, i) => {
          const rev =
            r.reversal === null
              ? null
              : new Date(Date.parse(`${r.settledOn}T00:00:00Z`) + r.reversal * 86_400_000).toISOString().slice(0, 10);
          return {
            settlementId: `s${String(i).padStart(5, '0')}`,
            settledOn: r.settledOn,
            reversedOn: rev !== null && rev < '2026-04-01' ? rev : null,
            fundFen: r.fund,
            accountFen: r.acct,
            totalFen: r.fund + r.acct + r.cash,
          };
        });
        const net = new Map<string, number>();
        for (const period of ['2026-01', '2026-02', '2026-03']) {
          const items = statementItems(claims, period);
          const totals = statementTotals(items, 0);
          if (!verifyStatement({ period, items, totals }, claims).ok) return false;
          for (const i of items) net.set(i.settlementId, (net.get(i.settlementId) ?? 0) + i.fundFen);
        }
        return claims.every((x) => (net.get(x.settlementId) ?? 0) === (x.reversedOn === null ? x.fundFen : 0));
      }),
      { numRuns: 100 },
    );
  });
});
