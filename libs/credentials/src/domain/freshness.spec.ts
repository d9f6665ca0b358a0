import { describe, expect, it } from '@jest/globals';
import { assessFreshness } from './freshness.js';

const now = new Date('2026-06-01T04:00:00.000Z');
const closed = { statusMaxAgeSeconds: 3600, staleStatusPolicy: 'fail-closed' as const };
const open = { statusMaxAgeSeconds: 3600, staleStatusPolicy: 'accept-with-warning' as const };

describe('assessFreshness', () => {
  it('is fresh up to and including the window', () => {
    expect(assessFreshness({ authoritative: false, asOf: '2026-06-01T03:00:00.000Z' }, now, closed)).toEqual({
      fresh: true,
      ageSeconds: 3600,
      asOf: '2026-06-01T03:00:00.000Z',
      effect: 'none',
    });
    expect(assessFreshness({ authoritative: false, asOf: '2026-06-01T02:59:59.000Z' }, now, closed)).toMatchObject({
      fresh: false,
      ageSeconds: 3601,
      effect: 'reject',
    });
    expect(assessFreshness({ authoritative: false, asOf: '2026-06-01T02:59:59.000Z' }, now, open)).toMatchObject({
      fresh: false,
      effect: 'warn',
    });
  });

  it('treats "never received" as stale under both policies', () => {
    expect(assessFreshness({ authoritative: false, asOf: null }, now, closed)).toEqual({
      fresh: false,
      ageSeconds: null,
      asOf: null,
      effect: 'reject',
    });
    expect(assessFreshness({ authoritative: false, asOf: null }, now, open).effect).toBe('warn');
  });

  it('counts a status from an issuer clock ahead of ours as age 0', () => {
    expect(assessFreshness({ authoritative: false, asOf: '2026-06-01T04:00:30.000Z' }, now, closed)).toMatchObject({
      fresh: true,
      ageSeconds: 0,
    });
  });

  it('the issuer itself is always current', () => {
    expect(assessFreshness({ authoritative: true, asOf: null }, now, closed)).toEqual({
      fresh: true,
      ageSeconds: 0,
      asOf: now.toISOString(),
      effect: 'none',
    });
  });
});
