import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DEMO_POLICY, demoCatalogue } from '../../test-fixtures/demo-policy.js';
import {
  type Allowance,
  applyGrant,
  availableFen,
  type CapLedger,
  consume,
  grantFrom,
  needsTopUp,
  restore,
  yearAhead,
} from './allowance.js';
import { calculateSettlement } from './settlement-calculator.js';

const CITIES = ['440100', '440600'] as const;

describe('allowance ledger', () => {
  it('grants never exceed the cap; grants are cumulative and idempotent at the receiver', () => {
    let l: CapLedger = { capFen: 100, grantedFen: {} };
    const g1 = grantFrom(l, '440600', 70);
    l = g1.ledger;
    const g2 = grantFrom(l, '440100', 70);
    expect([g1.addedFen, g2.addedFen, g2.grantedTotalFen]).toEqual([70, 30, 30]);
    let a: Allowance = { grantedFen: 0, consumedFen: 0 };
    a = applyGrant(applyGrant(applyGrant(a, 70), 50), 70); // a stale and a duplicate grant change nothing
    expect(a).toEqual({ grantedFen: 70, consumedFen: 0 });
    const c = consume(a, 100);
    expect([c.takenFen, availableFen(c.allowance)]).toEqual([70, 0]);
    expect(restore(c.allowance, 20)).toEqual({ grantedFen: 70, consumedFen: 50 });
    expect(() => restore(c.allowance, 71)).toThrow(RangeError);
    expect(needsTopUp({ grantedFen: 100, consumedFen: 60 }, 100)).toBe(true);
  });

  // Claims racing in both cities: each treating city settles locally against its allowance while grants (top-ups) travel
  // as messages delivered late, out of order and twice; reversals restore. Over 100 000 claims (100 runs × 1600 steps, two thirds of them claims),
  // the sum of what both cities' funds paid never exceeds the annual cap, and a reversal restores exactly what it took.
  it('no annual cap is ever exceeded, whatever the interleaving (100 000 claims)', () => {
    const step = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          op: fc.constant('claim' as const),
          city: fc.constantFrom(...CITIES),
          price: fc.integer({ min: 1, max: 3_000_000 }),
        }),
      },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('deliver' as const), pick: fc.nat(), dup: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('reverse' as const), pick: fc.nat() }) },
    );
    let claims = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000_000 }),
        fc.integer({ min: 1, max: 5_000_000 }),
        fc.array(step, { minLength: 1600, maxLength: 1600 }),
        (cap, chunk, steps) => {
          let insured: CapLedger = { capFen: cap, grantedFen: {} };
          const held: Record<string, Allowance> = {
            '440100': { grantedFen: 0, consumedFen: 0 },
            '440600': { grantedFen: 0, consumedFen: 0 },
          };
          const inFlight: { city: string; total: number }[] = [];
          const settled: { city: string; fund: number; reversed: boolean }[] = [];
          const askTopUp = (city: string) => {
            const g = grantFrom(insured, city, chunk);
            insured = g.ledger;
            if (g.addedFen > 0) inFlight.push({ city, total: g.grantedTotalFen });
          };
          for (const c of CITIES) askTopUp(c);
          for (const s of steps) {
            if (s.op === 'claim') {
              claims += 1;
              const a = held[s.city]!;
              const r = calculateSettlement({
                visitType: 'inpatient',
                hospitalLevel: 'secondary',
                standing: 'resettled-retiree',
                policy: DEMO_POLICY,
                catalogue: demoCatalogue,
                lines: [{ lineNo: 1, code: 'A-001', quantity: 1, unitPriceFen: s.price }],
                fundAvailableFen: availableFen(a),
                accountAvailableFen: 0,
              });
              const c = consume(a, r.totals.hifp_pay);
              if (c.takenFen !== r.totals.hifp_pay) return false;
              held[s.city] = c.allowance;
              settled.push({ city: s.city, fund: c.takenFen, reversed: false });
              if (needsTopUp(c.allowance, chunk)) askTopUp(s.city);
            } else if (s.op === 'deliver' && inFlight.length) {
              const i = s.pick % inFlight.length;
              const m = inFlight[i]!;
              if (!s.dup) inFlight.splice(i, 1);
              held[m.city] = applyGrant(held[m.city]!, m.total);
            } else if (s.op === 'reverse' && settled.length) {
              const t = settled[s.pick % settled.length]!;
              if (t.reversed) continue;
              const before = availableFen(held[t.city]!);
              held[t.city] = restore(held[t.city]!, t.fund);
              t.reversed = true;
              if (availableFen(held[t.city]!) !== before + t.fund) return false;
            }
            const consumed = CITIES.reduce((a, c) => a + held[c]!.consumedFen, 0);
            const live = settled.filter((x) => !x.reversed).reduce((a, x) => a + x.fund, 0);
            if (consumed > cap || consumed !== live) return false;
            if (CITIES.some((c) => held[c]!.grantedFen > (insured.grantedFen[c] ?? 0))) return false;
          }
          return true;
        },
      ),
      { numRuns: 100 },
    );
    expect(claims).toBeGreaterThanOrEqual(100_000);
  });
});

describe('year-ahead grants', () => {
  it('opens the next year once its 1 January is within the lead days (Asia/Shanghai dates), never earlier', () => {
    expect(yearAhead('2026-12-01', 31)).toBe(2027);
    expect(yearAhead('2026-11-30', 31)).toBeNull();
    expect(yearAhead('2026-12-31', 0)).toBeNull();
    expect(yearAhead('2026-12-31', 1)).toBe(2027);
    expect(yearAhead('2027-01-01', 31)).toBeNull();
    // 2028 is a leap year: 1 December 2028 is 31 days before 1 January 2029.
    expect(yearAhead('2028-12-01', 31)).toBe(2029);
    expect(() => yearAhead('2026-13', 31)).toThrow(RangeError);
    expect(() => yearAhead('2026-12-01', -1)).toThrow(RangeError);
  });
});
