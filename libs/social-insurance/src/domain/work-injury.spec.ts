import { describe, expect, it } from '@jest/globals';
import { applicationDeadline, decisionDueOn } from './work-injury.js';

describe('工伤认定 time limits (calendar days)', () => {
  it('the employer applies within 30 days, the worker within 1 year (art. 17)', () => {
    expect(applicationDeadline('2026-01-15', 'employer')).toBe('2026-02-14');
    expect(applicationDeadline('2026-01-15', 'worker')).toBe('2027-01-15');
    expect(applicationDeadline('2024-02-29', 'worker')).toBe('2025-02-28');
  });
  it('decides within 60 days of acceptance, 15 for clear cases (art. 20)', () => {
    expect(decisionDueOn('2026-12-05', false)).toBe('2027-02-03');
    expect(decisionDueOn('2026-12-05', true)).toBe('2026-12-20');
  });
});
