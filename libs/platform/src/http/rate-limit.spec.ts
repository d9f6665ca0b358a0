import { describe, expect, it } from '@jest/globals';
import { FixedWindowCounter } from './rate-limit.js';

describe('FixedWindowCounter', () => {
  it('allows the limit, refuses the next hit with the seconds left, and opens again when the window ends', () => {
    let now = 1_000_000;
    const c = new FixedWindowCounter(60_000, () => now);
    for (let i = 0; i < 3; i++) expect(c.hit('a', 3)).toBeUndefined();
    expect(c.hit('a', 3)).toBe(60);
    now += 59_200;
    expect(c.hit('a', 3)).toBe(1);
    expect(c.hit('b', 3)).toBeUndefined(); // keys are independent
    now += 800;
    expect(c.hit('a', 3)).toBeUndefined();
  });
});
