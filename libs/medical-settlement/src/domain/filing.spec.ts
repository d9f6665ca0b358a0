import { describe, expect, it } from '@jest/globals';
import { filingCovers, filingTouchesYear, filingWindow, FilingRuleError } from './filing.js';

describe('备案 validity (医保发〔2022〕22号)', () => {
  it('long-term kinds stay valid until cancelled', () => {
    const w = filingWindow('resettled-retiree', { registeredOn: '2026-03-01', maxBackdateDays: 30 });
    expect(w).toEqual({ validFrom: '2026-03-01', validTo: null, late: false });
    expect(filingCovers(w, '2036-01-01')).toBe(true);
    expect(filingCovers({ ...w, cancelledOn: '2026-06-01' }, '2026-06-01')).toBe(false);
    expect(filingCovers({ ...w, cancelledOn: '2026-06-01' }, '2026-05-31')).toBe(true);
  });

  it('temporary kinds last at least 6 months, and may be longer', () => {
    expect(filingWindow('referral', { registeredOn: '2026-01-31', maxBackdateDays: 30 }).validTo).toBe('2026-08-02');
    expect(() => filingWindow('emergency', { registeredOn: '2026-01-01', validTo: '2026-06-30', maxBackdateDays: 30 })).toThrow(
      FilingRuleError,
    );
    expect(filingWindow('other-temporary', { registeredOn: '2026-01-01', validTo: '2026-12-31', maxBackdateDays: 30 }).validTo).toBe(
      '2026-12-31',
    );
  });

  it('late registration (补办备案) backdates within the policy limit', () => {
    expect(filingWindow('emergency', { registeredOn: '2026-03-10', validFrom: '2026-03-01', maxBackdateDays: 30 }).late).toBe(true);
    expect(() => filingWindow('emergency', { registeredOn: '2026-03-10', validFrom: '2026-01-01', maxBackdateDays: 30 })).toThrow(
      'validFrom may precede registration by at most 30 days',
    );
  });
});

describe('filingTouchesYear (year-ahead grants)', () => {
  it('is true when some day of the year is covered and the 备案 is not cancelled before it', () => {
    expect(filingTouchesYear({ validFrom: '2026-03-01', validTo: null }, 2027)).toBe(true);
    expect(filingTouchesYear({ validFrom: '2026-06-15', validTo: '2026-12-15' }, 2027)).toBe(false);
    expect(filingTouchesYear({ validFrom: '2026-12-10', validTo: '2027-06-10' }, 2027)).toBe(true);
    expect(filingTouchesYear({ validFrom: '2027-12-31', validTo: null }, 2027)).toBe(true);
    expect(filingTouchesYear({ validFrom: '2028-01-01', validTo: null }, 2027)).toBe(false);
    expect(filingTouchesYear({ validFrom: '2026-03-01', validTo: null, cancelledOn: '2027-01-01' }, 2027)).toBe(false);
    expect(filingTouchesYear({ validFrom: '2026-03-01', validTo: null, cancelledOn: '2027-01-02' }, 2027)).toBe(true);
    expect(filingTouchesYear({ validFrom: '2027-05-01', validTo: null, cancelledOn: '2027-05-01' }, 2027)).toBe(false);
  });
});
