import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addMonths, monthIndex, monthsFromTo } from './months.js';
import { confirmedThrough, decidePayment, overpayment, type RetireeSnapshot, retireeStatus } from './retiree.js';

const base: RetireeSnapshot = {
  monthlyPensionFen: 420_000,
  firstMonth: '2025-09',
  lastConfirmedOn: '2025-10-20',
  stop: null,
  paidMonths: [],
};
const pay = (r: RetireeSnapshot, month: string): RetireeSnapshot => ({
  ...r,
  paidMonths: [...r.paidMonths, ...decidePayment(r, month).lines.map((l) => l.month)],
});

describe('retirees living in the other city', () => {
  it('a confirmation is valid 12 months: payment is suspended from the month after it lapses', () => {
    expect(confirmedThrough('2025-10-20')).toBe('2026-10');
    const paid = monthsFromTo('2025-09', '2026-10').reduce(pay, base);
    expect(paid.paidMonths).toHaveLength(14);
    expect(decidePayment(paid, '2026-11')).toEqual({ month: '2026-11', status: 'suspended', suspendedFrom: '2026-11', lines: [] });
    expect(decidePayment(paid, '2026-12').status).toBe('suspended');
  });

  it('resumes once confirmed, with back pay for the suspended months', () => {
    const paid = monthsFromTo('2025-09', '2026-10').reduce(pay, base);
    const confirmed = { ...paid, lastConfirmedOn: '2026-12-03' };
    expect(decidePayment(confirmed, '2026-12')).toEqual({
      month: '2026-12',
      status: 'active',
      lines: [
        { month: '2026-11', amountFen: 420_000, kind: 'back-pay' },
        { month: '2026-12', amountFen: 420_000, kind: 'regular' },
      ],
    });
  });

  it('a death notice stops payment from the next month and recovers what was paid after', () => {
    const paid = monthsFromTo('2025-09', '2026-06').reduce(pay, base);
    const dead = { ...paid, stop: { kind: 'death' as const, eventDate: '2026-03-15' } };
    expect(retireeStatus(dead, '2026-03')).toBe('active');
    expect(retireeStatus(dead, '2026-04')).toBe('stopped');
    expect(decidePayment(dead, '2026-07')).toEqual({ month: '2026-07', status: 'stopped', lines: [] });
    expect(overpayment(dead, () => 420_000)).toEqual({ months: ['2026-04', '2026-05', '2026-06'], recoverFen: 1_260_000 });
  });

  it('property: whatever the runs and confirmations, each month is paid at most once, never from the stop on, and amounts are never negative', () => {
    const arb = fc.record({
      monthly: fc.integer({ min: 0, max: 2_000_000 }),
      steps: fc.array(
        fc.oneof(fc.record({ run: fc.integer({ min: 0, max: 36 }) }), fc.record({ confirmAt: fc.integer({ min: 0, max: 36 }) })),
        { maxLength: 40 },
      ),
      deathAt: fc.option(fc.integer({ min: 0, max: 36 })),
    });
    fc.assert(
      fc.property(arb, ({ monthly, steps, deathAt }) => {
        const first = '2024-01';
        let r: RetireeSnapshot = {
          monthlyPensionFen: monthly,
          firstMonth: first,
          lastConfirmedOn: '2024-01-01',
          stop: null,
          paidMonths: [],
        };
        for (const s of steps) {
          if ('run' in s) {
            const d = decidePayment(r, addMonths(first, s.run));
            expect(d.lines.every((l) => l.amountFen >= 0)).toBe(true);
            r = { ...r, paidMonths: [...r.paidMonths, ...d.lines.map((l) => l.month)] };
          } else
            r = {
              ...r,
              lastConfirmedOn:
                `${addMonths(first, s.confirmAt)}-10` > r.lastConfirmedOn ? `${addMonths(first, s.confirmAt)}-10` : r.lastConfirmedOn,
            };
        }
        expect(new Set(r.paidMonths).size).toBe(r.paidMonths.length);
        if (deathAt !== null) {
          const dead = { ...r, stop: { kind: 'death' as const, eventDate: `${addMonths(first, deathAt)}-05` } };
          const o = overpayment(dead, () => monthly);
          // What is kept after the recovery is exactly the months up to the death month.
          const kept = r.paidMonths.filter((m) => !o.months.includes(m));
          expect(kept.every((m) => monthIndex(m) <= monthIndex(addMonths(first, deathAt)))).toBe(true);
          expect(o.recoverFen).toBe(o.months.length * monthly);
          expect(decidePayment(dead, addMonths(first, deathAt + 1)).lines).toEqual([]);
        }
      }),
    );
  });
});
