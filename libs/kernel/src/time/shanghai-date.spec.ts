import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { SHANGHAI_TIME_ZONE, toShanghaiDate } from './shanghai-date.js';

const byTimeZoneDatabase = new Intl.DateTimeFormat('en-CA', {
  timeZone: SHANGHAI_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

describe('toShanghaiDate', () => {
  it('gives the date the time-zone database gives for any instant, from 1900 to 2200', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T23:59:59.999Z'), noInvalidDate: true }),
        (d) => {
          expect(toShanghaiDate(d)).toBe(byTimeZoneDatabase.format(d));
          expect(toShanghaiDate(d.toISOString())).toBe(byTimeZoneDatabase.format(d));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('turns the day at Shanghai midnight (16:00 UTC), at the edges of the UTC+8 range and of daylight saving in 1991', () => {
    const at = (iso: string) => toShanghaiDate(new Date(iso));
    expect(at('2026-12-31T15:59:59.999Z')).toBe('2026-12-31');
    expect(at('2026-12-31T16:00:00.000Z')).toBe('2027-01-01');
    expect(at('1991-12-31T15:59:59.999Z')).toBe('1991-12-31');
    expect(at('1991-12-31T16:00:00.000Z')).toBe('1992-01-01');
    // 1991-07-01 under daylight saving (UTC+9): 15:30 UTC was already the next day in Shanghai.
    expect(at('1991-07-01T15:30:00Z')).toBe(byTimeZoneDatabase.format(new Date('1991-07-01T15:30:00Z')));
    expect(at('9999-12-31T15:59:59.999Z')).toBe('9999-12-31');
    expect(toShanghaiDate('2026-02-28')).toBe('2026-02-28');
    expect(() => toShanghaiDate('2026-02-30')).toThrow(RangeError);
    expect(() => toShanghaiDate('not a date')).toThrow(RangeError);
  });
});
