import { describe, expect, it } from '@jest/globals';
import { computeResidentIdCheckChar, isValidResidentId, normalizeResidentId, parseResidentId } from './resident-id.js';
import { maskIdNumber } from '../masking/masking.js';

/*
 * The two worked examples printed in GB 11643-1999 (公民身份号码), reproduced in
 * many public validators:
 *
 * 11010519491231002X — 北京市朝阳区, born 1949-12-31, sequence 002 (even: female)
 *   digits   1  1  0  1  0  5  1  9  4  9  1  2  3  1  0  0  2
 *   weights  7  9 10  5  8  4  2  1  6  3  7  9 10  5  8  4  2
 *   products 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167
 *   167 mod 11 = 2 → (12 − 2) mod 11 = 10 → "X"
 *
 * 440524188001010014 — 广东省汕头市, born 1880-01-01, sequence 001 (odd: male)
 *   digits   4  4  0  5  2  4  1  8  8  0  0  1  0  1  0  0  1
 *   products 28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195
 *   195 mod 11 = 8 → (12 − 8) mod 11 = 4 → "4"
 */
const GB_EXAMPLE_BEIJING = '11010519491231002X';
const GB_EXAMPLE_SHANTOU = '440524188001010014';
const NOW = new Date('2025-06-01T00:00:00Z');

/** Builds a number with a correct check character, to test the *other* rules in isolation. */
const withCheck = (first17: string): string => first17 + computeResidentIdCheckChar(first17);

describe('computeResidentIdCheckChar', () => {
  it('reproduces the check characters of the GB 11643-1999 examples', () => {
    expect(computeResidentIdCheckChar(GB_EXAMPLE_BEIJING.slice(0, 17))).toBe('X');
    expect(computeResidentIdCheckChar(GB_EXAMPLE_SHANTOU.slice(0, 17))).toBe('4');
  });

  it('rejects input that is not 17 digits', () => {
    expect(() => computeResidentIdCheckChar('1101051949123100')).toThrow(TypeError);
    expect(() => computeResidentIdCheckChar('1101051949123100A')).toThrow(TypeError);
  });
});

describe('isValidResidentId', () => {
  it('accepts the GB 11643-1999 examples', () => {
    expect(isValidResidentId(GB_EXAMPLE_BEIJING)).toBe(true);
    expect(isValidResidentId(GB_EXAMPLE_SHANTOU)).toBe(true);
  });

  it('rejects every single-digit change (MOD 11-2 detects all substitutions)', () => {
    for (const id of [GB_EXAMPLE_BEIJING, GB_EXAMPLE_SHANTOU]) {
      for (let i = 0; i < 17; i++) {
        const changed = `${id.slice(0, i)}${(Number(id[i]) + 1) % 10}${id.slice(i + 1)}`;
        expect(isValidResidentId(changed, { now: NOW })).toBe(false);
      }
    }
    expect(isValidResidentId('110105194912310021')).toBe(false); // wrong check character
    expect(isValidResidentId('440524188001010013')).toBe(false);
  });

  it('rejects adjacent transpositions', () => {
    expect(isValidResidentId('11010519491231020X')).toBe(false); // ...002 → ...020
    expect(isValidResidentId('440524180801010014')).toBe(false); // 1880 → 1808
  });

  it('treats lower-case x as invalid; normalizeResidentId accepts and upper-cases it', () => {
    expect(isValidResidentId('11010519491231002x')).toBe(false);
    expect(normalizeResidentId(' 11010519491231002x\n')).toBe(GB_EXAMPLE_BEIJING);
    expect(normalizeResidentId('110105194912310021')).toBeUndefined();
  });

  it('rejects impossible dates even with a correct check character', () => {
    expect(isValidResidentId(withCheck('11010519490231002'), { now: NOW })).toBe(false); // 31 February
    expect(isValidResidentId(withCheck('11010519491301002'), { now: NOW })).toBe(false); // month 13
    expect(isValidResidentId(withCheck('11010519491200002'), { now: NOW })).toBe(false); // day 0
    expect(isValidResidentId(withCheck('11010519000229002'), { now: NOW })).toBe(false); // 1900 is not a leap year
    expect(isValidResidentId(withCheck('11010520000229002'), { now: NOW })).toBe(true); // 2000 is
    expect(isValidResidentId(withCheck('11010517991231002'), { now: NOW })).toBe(false); // before 1800
    expect(isValidResidentId(withCheck('11010518000101002'), { now: NOW })).toBe(true);
  });

  it('rejects births after today in China (UTC+8)', () => {
    const bornNewYear2025 = withCheck('11010520250101002');
    expect(isValidResidentId(bornNewYear2025, { now: new Date('2024-12-31T15:59:59Z') })).toBe(false); // 23:59 in Beijing
    expect(isValidResidentId(bornNewYear2025, { now: new Date('2024-12-31T16:00:00Z') })).toBe(true); // 00:00 in Beijing
    expect(isValidResidentId(withCheck('11010530000101002'))).toBe(false);
  });

  it('checks the region prefix shape and province', () => {
    expect(isValidResidentId(withCheck('99010519491231002'), { now: NOW })).toBe(false); // no province 99
    expect(isValidResidentId(withCheck('00010519491231002'), { now: NOW })).toBe(false);
    expect(isValidResidentId(withCheck('44000119491231002'), { now: NOW })).toBe(false); // PP00CC is malformed
    expect(isValidResidentId(withCheck('44060419491231002'), { now: NOW })).toBe(true); // 佛山市禅城区
    // 港澳台居民居住证 prefixes.
    expect(isValidResidentId(withCheck('81000019900101002'), { now: NOW })).toBe(true);
    expect(isValidResidentId(withCheck('83000019900101002'), { now: NOW })).toBe(true);
    expect(isValidResidentId(withCheck('83010119900101002'), { now: NOW })).toBe(false);
  });

  it('rejects wrong lengths, characters and non-strings', () => {
    expect(isValidResidentId('')).toBe(false);
    expect(isValidResidentId(GB_EXAMPLE_BEIJING.slice(0, 17))).toBe(false);
    expect(isValidResidentId(`${GB_EXAMPLE_BEIJING}0`)).toBe(false);
    expect(isValidResidentId(` ${GB_EXAMPLE_BEIJING}`)).toBe(false);
    expect(isValidResidentId('110105194912310X2X')).toBe(false); // X only as the check character
    expect(isValidResidentId('１１０１０５１９４９１２３１００２Ｘ')).toBe(false); // full-width digits
    expect(isValidResidentId('110105491231002')).toBe(false); // 15-digit first generation
    expect(isValidResidentId(undefined as unknown as string)).toBe(false);
  });
});

describe('parseResidentId', () => {
  it('extracts region, birth date and sex', () => {
    expect(parseResidentId(GB_EXAMPLE_BEIJING)).toEqual({
      regionCode: '110105',
      birthDate: '1949-12-31',
      sex: 'female',
      checkChar: 'X',
    });
    expect(parseResidentId(GB_EXAMPLE_SHANTOU)).toEqual({
      regionCode: '440524',
      birthDate: '1880-01-01',
      sex: 'male',
      checkChar: '4',
    });
    expect(parseResidentId('110105194912310021')).toBeUndefined();
  });
});

describe('maskIdNumber', () => {
  it('keeps the first 3 and last 4 characters of an 18-character number', () => {
    expect(maskIdNumber(GB_EXAMPLE_BEIJING)).toBe('110***********002X');
    expect(maskIdNumber(GB_EXAMPLE_SHANTOU)).toBe('440***********0014');
    expect(maskIdNumber(GB_EXAMPLE_BEIJING)).toHaveLength(18);
  });

  it('hides the date of birth and the prefecture/county', () => {
    const masked = maskIdNumber(GB_EXAMPLE_BEIJING);
    expect(masked).not.toContain('1949');
    expect(masked).not.toContain('105');
  });

  it('masks legacy 15-character numbers the same way and anything else completely', () => {
    expect(maskIdNumber('110105491231002')).toBe('110********1002');
    expect(maskIdNumber('12345')).toBe('*****');
    expect(maskIdNumber('')).toBe('*');
    expect(maskIdNumber(null as unknown as string)).toBe('*');
  });
});
