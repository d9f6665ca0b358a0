import { describe, expect, it } from '@jest/globals';
import { cumulativeFigures } from './cumulative.js';

const none = { count: 0, medfeeFen: 0, fundFen: 0, acctFen: 0, cashFen: 0 };

describe('5206 cumulative figures: the insured city’s knowledge and the treating city’s own', () => {
  it('splits cap and grant (insured city) from consumption (here), and bounds what was used elsewhere by cap − granted', () => {
    const f = cumulativeFigures({
      year: 2026,
      annualCapFen: 60_000_000,
      allowances: [
        { pot: 'acct', grantedFen: 5_000, consumedFen: 5_000, returnedFen: 0, topUpRequested: false },
        { pot: 'hifp', grantedFen: 5_000_000, consumedFen: 8_100, returnedFen: 0, topUpRequested: false },
      ],
      settledHere: { count: 1, medfeeFen: 77_000, fundFen: 8_100, acctFen: 5_000, cashFen: 63_900 },
    });
    expect(f.pots).toEqual([
      {
        pot: 'hifp',
        insuredCity: { capFen: 60_000_000, grantedFen: 5_000_000 },
        treatingCity: { consumedFen: 8_100, returnedFen: 0, availableFen: 4_991_900, topUpRequested: false },
        elsewhereAtMostFen: 55_000_000,
      },
      {
        pot: 'acct',
        insuredCity: { capFen: null, grantedFen: 5_000 },
        treatingCity: { consumedFen: 5_000, returnedFen: 0, availableFen: 0, topUpRequested: false },
        elsewhereAtMostFen: null,
      },
    ]);
    expect(f.settledHere.fundFen).toBe(8_100);
  });

  it('before any grant of the year: zeros, and everything of the cap may have been used elsewhere', () => {
    const f = cumulativeFigures({ year: 2027, annualCapFen: 60_000_000, allowances: [], settledHere: none });
    expect(f.pots[0]).toEqual({
      pot: 'hifp',
      insuredCity: { capFen: 60_000_000, grantedFen: 0 },
      treatingCity: { consumedFen: 0, returnedFen: 0, availableFen: 0, topUpRequested: false },
      elsewhereAtMostFen: 60_000_000,
    });
  });

  it('without the insured city’s policy here the cap and the bound are unknown (null), never guessed', () => {
    const f = cumulativeFigures({
      year: 2026,
      annualCapFen: null,
      allowances: [{ pot: 'hifp', grantedFen: 100, consumedFen: 40, returnedFen: 0, topUpRequested: true }],
      settledHere: none,
    });
    expect(f.pots[0]).toMatchObject({ insuredCity: { capFen: null, grantedFen: 100 }, elsewhereAtMostFen: null });
    expect(f.pots[0]!.treatingCity).toEqual({ consumedFen: 40, returnedFen: 0, availableFen: 60, topUpRequested: true });
  });

  it('what this city returned is neither available here nor counted as held here: the bound elsewhere grows by it', () => {
    const f = cumulativeFigures({
      year: 2026,
      annualCapFen: 1_000,
      allowances: [{ pot: 'hifp', grantedFen: 600, consumedFen: 250, returnedFen: 350, topUpRequested: false }],
      settledHere: none,
    });
    expect(f.pots[0]!.treatingCity).toEqual({ consumedFen: 250, returnedFen: 350, availableFen: 0, topUpRequested: false });
    expect(f.pots[0]!.elsewhereAtMostFen).toBe(750);
  });

  it('a grant above the cap (never sent by the insured city) does not make the bound negative', () => {
    const f = cumulativeFigures({
      year: 2026,
      annualCapFen: 1_000,
      allowances: [{ pot: 'hifp', grantedFen: 1_500, consumedFen: 0, returnedFen: 0, topUpRequested: false }],
      settledHere: none,
    });
    expect(f.pots[0]!.elsewhereAtMostFen).toBe(0);
  });
});
