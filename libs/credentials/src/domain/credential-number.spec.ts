import { describe, expect, it } from '@jest/globals';
import {
  formatCredentialNumber,
  isValidCredentialNumber,
  iso7064HybridCheckChar,
  iso7064HybridChecksum,
  parseCredentialNumber,
} from './credential-number.js';

describe('ISO/IEC 7064 hybrid check characters', () => {
  it('matches published MOD 37,36 and MOD 11,10 examples', () => {
    expect(iso7064HybridCheckChar('A12425GABC1234002')).toBe('M');
    expect(iso7064HybridChecksum('A12425GABC1234002M')).toBe(1);
    expect(iso7064HybridCheckChar('00200667308', '0123456789')).toBe('5');
  });
});

describe('credential numbers (证照编号)', () => {
  const number = formatCredentialNumber('114401000075020016', 2026, 42);

  it('is issuing body code + year + 8-digit sequence + check character', () => {
    expect(number).toMatch(/^114401000075020016202600000042[0-9A-Z]$/);
    expect(number).toHaveLength(31);
    expect(parseCredentialNumber(number)).toEqual({ issuerCode: '114401000075020016', year: 2026, sequence: 42 });
    expect(isValidCredentialNumber(number)).toBe(true);
  });

  it('detects every single-character substitution and adjacent transposition', () => {
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    for (let i = 0; i < number.length; i++) {
      for (const ch of alphabet) {
        if (ch === number[i]) continue;
        const changed = `${number.slice(0, i)}${ch}${number.slice(i + 1)}`;
        expect(isValidCredentialNumber(changed)).toBe(false);
      }
      if (i + 1 < number.length && number[i] !== number[i + 1]) {
        const swapped = `${number.slice(0, i)}${number[i + 1]}${number[i]}${number.slice(i + 2)}`;
        expect(isValidCredentialNumber(swapped)).toBe(false);
      }
    }
  });

  it('refuses impossible inputs', () => {
    expect(() => formatCredentialNumber('not-a-code', 2026, 1)).toThrow(RangeError);
    expect(() => formatCredentialNumber('114401000075020016', 2026, 0)).toThrow(RangeError);
    expect(() => formatCredentialNumber('114401000075020016', 2026, 100_000_000)).toThrow(RangeError);
  });
});
