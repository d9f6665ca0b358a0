import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DEMO_POLICY, demoCatalogue } from '../../test-fixtures/demo-policy.js';
import {
  type Allowance,
  applyGrant,
  applyReturn,
  availableFen,
  type CapLedger,
  consume,
  grantFrom,
  needsTopUp,
  restore,
  returnUnused,
  ungrantedFen,
  yearAhead,
} from './allowance.js';
import { calculateSettlement } from './settlement-calculator.js';

const CITIES = ['440100', '440600'] as const;

describe('allowance ledger', () => {
  it('grants never exceed the cap; grants are cumulative and idempotent at the receiver', () => {
    let l: CapLedger = { capFen: 100, grantedFen: {}, returnedFen: {} };
    const g1 = grantFrom(l, '440600', 70);
    l = g1.ledger;
    const g2 = grantFrom(l, '440100', 70);
    expect([g1.addedFen, g2.addedFen, g2.grantedTotalFen]).toEqual([70, 30, 30]);
    let a: Allowance = { grantedFen: 0, consumedFen: 0, returnedFen: 0 };
    a = applyGrant(applyGrant(applyGrant(a, 70), 50), 70); // a stale and a duplicate grant change nothing
    expect(a).toEqual({ grantedFen: 70, consumedFen: 0, returnedFen: 0 });
    const c = consume(a, 100);
    expect([c.takenFen, availableFen(c.allowance)]).toEqual([70, 0]);
    expect(restore(c.allowance, 20)).toEqual({ grantedFen: 70, consumedFen: 50, returnedFen: 0 });
    expect(() => restore(c.allowance, 71)).toThrow(RangeError);
    expect(needsTopUp({ grantedFen: 100, consumedFen: 60, returnedFen: 0 }, 100)).toBe(true);
  });

  it('a return stops the treating city spending and frees the cap for any city; stale reports change nothing', () => {
    let l: CapLedger = { capFen: 100, grantedFen: {}, returnedFen: {} };
    l = grantFrom(l, '440600', 70).ledger;
    l = grantFrom(l, '440100', 70).ledger; // only 30 left
    let fs: Allowance = applyGrant({ grantedFen: 0, consumedFen: 0, returnedFen: 0 }, 70);
    fs = consume(fs, 20).allowance;
    const r = returnUnused(fs);
    expect([r.addedFen, r.allowance.returnedFen, availableFen(r.allowance)]).toEqual([50, 50, 0]);
    expect(consume(r.allowance, 1).takenFen).toBe(0);
    expect(returnUnused(r.allowance).addedFen).toBe(0); // nothing left: a second return adds nothing
    l = applyReturn(applyReturn(l, '440600', 50), '440600', 10); // a stale (smaller) report changes nothing
    expect([l.returnedFen['440600'], ungrantedFen(l)]).toEqual([50, 50]);
    const g = grantFrom(l, '440100', 70);
    expect([g.addedFen, g.grantedTotalFen, ungrantedFen(g.ledger)]).toEqual([50, 80, 0]);
    expect(() => applyReturn(l, '440600', 71)).toThrow(RangeError); // more than it was granted
    // A reversal after the return gives the settlement's share back to the treating city's allowance, which can return it too.
    const back = restore(r.allowance, 20);
    expect([availableFen(back), returnUnused(back).allowance.returnedFen]).toEqual([20, 70]);
  });

  // Claims racing in both cities: each treating city settles locally against its allowance while grants (top-ups) travel
  // as messages delivered late, out of order and twice; reversals restore; a city gives back what it has not spent and the
  // insured city grants it again (to either city) once the return arrives. Over 100 000 claims (100 runs × 1800 steps, three fifths of them claims),
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
      { weight: 1, arbitrary: fc.record({ op: fc.constant('return' as const), city: fc.constantFrom(...CITIES) }) },
    );
    let claims = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000_000 }),
        fc.integer({ min: 1, max: 5_000_000 }),
        fc.array(step, { minLength: 1800, maxLength: 1800 }),
        (cap, chunk, steps) => {
          let insured: CapLedger = { capFen: cap, grantedFen: {}, returnedFen: {} };
          const held: Record<string, Allowance> = {
            '440100': { grantedFen: 0, consumedFen: 0, returnedFen: 0 },
            '440600': { grantedFen: 0, consumedFen: 0, returnedFen: 0 },
          };
          // Grants to a treating city and returns to the insured city, delivered late, out of order and twice.
          const inFlight: { kind: 'grant' | 'return'; city: string; total: number }[] = [];
          const settled: { city: string; fund: number; reversed: boolean }[] = [];
          const askTopUp = (city: string) => {
            const g = grantFrom(insured, city, chunk);
            insured = g.ledger;
            if (g.addedFen > 0) inFlight.push({ kind: 'grant', city, total: g.grantedTotalFen });
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
              if (m.kind === 'grant') held[m.city] = applyGrant(held[m.city]!, m.total);
              else insured = applyReturn(insured, m.city, m.total);
            } else if (s.op === 'reverse' && settled.length) {
              const t = settled[s.pick % settled.length]!;
              if (t.reversed) continue;
              const before = availableFen(held[t.city]!);
              held[t.city] = restore(held[t.city]!, t.fund);
              t.reversed = true;
              if (availableFen(held[t.city]!) !== before + t.fund) return false;
            } else if (s.op === 'return') {
              const r = returnUnused(held[s.city]!);
              held[s.city] = r.allowance;
              if (availableFen(r.allowance) !== 0) return false;
              if (r.addedFen > 0) inFlight.push({ kind: 'return', city: s.city, total: r.allowance.returnedFen });
            }
            const consumed = CITIES.reduce((a, c) => a + held[c]!.consumedFen, 0);
            const live = settled.filter((x) => !x.reversed).reduce((a, x) => a + x.fund, 0);
            if (consumed > cap || consumed !== live) return false;
            if (CITIES.some((c) => held[c]!.grantedFen > (insured.grantedFen[c] ?? 0))) return false;
            // The insured city never counts more returned than the treating city gave back, so what a city spends stays within
            // what the insured city still counts as its grant, and the grants net of returns stay within the cap.
            if (CITIES.some((c) => (insured.returnedFen[c] ?? 0) > held[c]!.returnedFen)) return false;
            if (CITIES.some((c) => held[c]!.consumedFen > (insured.grantedFen[c] ?? 0) - (insured.returnedFen[c] ?? 0))) return false;
            if (ungrantedFen(insured) < 0) return false;
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
