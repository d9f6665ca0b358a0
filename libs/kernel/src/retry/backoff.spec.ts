import { describe, expect, it } from '@jest/globals';
import { backoffMs } from './backoff.js';

describe('backoffMs', () => {
  it('doubles from baseMs after the first attempt and stops at maxMs', () => {
    expect([1, 2, 3, 4, 5, 30].map((n) => backoffMs({ baseMs: 100, maxMs: 1_000 }, n))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('treats attempts below 1 as the first, and stays finite without a cap', () => {
    expect(backoffMs({ baseMs: 50, maxMs: 5_000 }, 0)).toBe(50);
    expect(backoffMs({ baseMs: 50, maxMs: 5_000 }, -3)).toBe(50);
    expect(backoffMs({ baseMs: 1, maxMs: Number.POSITIVE_INFINITY }, 10_000)).toBe(2 ** 30);
  });
});
