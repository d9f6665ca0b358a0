import { describe, expect, it } from '@jest/globals';
import {
  computeSocialCreditCodeCheckChar,
  isValidSocialCreditCode,
  normalizeSocialCreditCode,
  parseSocialCreditCode,
} from './social-credit-code.js';

/*
 * Publicly listed codes of large, well-known organizations. Each check
 * character was recomputed by hand (values: 0-9 → 0-9, A=10 ... T=26 ...,
 * weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28):
 *
 * 914403001922038216 — 华为技术有限公司 (Shenzhen; shown as 機構代碼 in the
 *   Chinese Wikipedia infobox for 華為)
 *   9·1+1·3+4·9+4·27+0·19+3·26+0·16+0·17+1·20+9·29+2·25+2·13+0·8+3·24+8·10+2·30+1·28
 *   = 9+3+36+108+0+78+0+0+20+261+50+26+0+72+80+60+28 = 831
 *   831 mod 31 = 25 → 31 − 25 = 6 → "6"
 *
 * 91440606722473344C — 美的集团股份有限公司 (registered in 佛山市顺德区, 440606)
 *   9+3+36+108+0+156+0+102+140+58+50+52+56+72+30+120+112 = 1104
 *   1104 mod 31 = 19 → 31 − 19 = 12 → "C"
 *
 * 91100000100003962T — 中国工商银行股份有限公司 (central-level registration, 100000)
 *   9+3+9+0+0+0+0+0+20+0+0+0+0+72+90+180+56 = 439
 *   439 mod 31 = 5 → 31 − 5 = 26 → "T"
 *
 * 91440300708461136T — a Tencent company in Shenzhen (深圳市腾讯计算机系统有限公司;
 *   public listings attribute it to different Tencent entities)
 *   9+3+36+108+0+78+0+0+140+0+200+52+48+24+10+90+168 = 966
 *   966 mod 31 = 5 → 26 → "T"
 *
 * Attribution comes from public listings, not from a query of the national
 * enterprise credit information system; the checksums are verified above.
 */
const PUBLISHED = ['914403001922038216', '91440606722473344C', '91100000100003962T', '91440300708461136T'] as const;

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

describe('isValidSocialCreditCode', () => {
  it.each(PUBLISHED)('accepts the published code %s', (code) => {
    expect(isValidSocialCreditCode(code)).toBe(true);
  });

  it('rejects every single-character substitution', () => {
    for (const code of PUBLISHED) {
      for (let i = 0; i < 18; i++) {
        const current = CHARSET.indexOf(code[i]!);
        const replacement = i >= 2 && i < 8 ? String((current + 1) % 10) : CHARSET[(current + 1) % 31]!;
        expect(isValidSocialCreditCode(`${code.slice(0, i)}${replacement}${code.slice(i + 1)}`)).toBe(false);
      }
    }
  });

  it('rejects a wrong check character and a mock code seen in public sample data', () => {
    expect(isValidSocialCreditCode('914403001922038217')).toBe(false);
    expect(isValidSocialCreditCode('91440606722473344D')).toBe(false);
    // Appears in public sample data as 阿里云计算有限公司 but fails the checksum (expected check "9").
    expect(isValidSocialCreditCode('9133010057462616XH')).toBe(false);
  });

  it('rejects the letters I, O, S, V and Z', () => {
    for (const letter of ['I', 'O', 'S', 'V', 'Z']) {
      expect(isValidSocialCreditCode(`91440300708461136${letter}`)).toBe(false);
      expect(isValidSocialCreditCode(`9144060672247334${letter}C`)).toBe(false);
    }
  });

  it('requires digits in the region part (positions 3–8)', () => {
    // Valid checksum for the 17 characters, but a letter inside the region code.
    const first17 = '91A40300708461136';
    expect(isValidSocialCreditCode(first17 + computeSocialCreditCodeCheckChar(first17))).toBe(false);
  });

  it('is strict about case and whitespace; normalizeSocialCreditCode is lenient', () => {
    expect(isValidSocialCreditCode('91440606722473344c')).toBe(false);
    expect(isValidSocialCreditCode(' 914403001922038216')).toBe(false);
    expect(normalizeSocialCreditCode(' 91440606722473344c ')).toBe('91440606722473344C');
    expect(normalizeSocialCreditCode('91440606722473344D')).toBeUndefined();
  });

  it('rejects wrong lengths and non-strings', () => {
    expect(isValidSocialCreditCode('')).toBe(false);
    expect(isValidSocialCreditCode('91440606722473344')).toBe(false);
    expect(isValidSocialCreditCode('91440606722473344CC')).toBe(false);
    expect(isValidSocialCreditCode(undefined as unknown as string)).toBe(false);
  });
});

describe('computeSocialCreditCodeCheckChar', () => {
  it('maps the edge cases of 31 − (sum mod 31)', () => {
    expect(computeSocialCreditCodeCheckChar('00000000000000000')).toBe('0'); // sum 0 → 31 → "0"
    expect(computeSocialCreditCodeCheckChar('10000000000000000')).toBe('Y'); // sum 1 → 30 → "Y"
    expect(computeSocialCreditCodeCheckChar('01000000000000000')).toBe('W'); // sum 3 → 28 → "W"
  });

  it('reproduces the published check characters', () => {
    for (const code of PUBLISHED) expect(computeSocialCreditCodeCheckChar(code.slice(0, 17))).toBe(code[17]);
  });

  it('rejects malformed input', () => {
    expect(() => computeSocialCreditCodeCheckChar('9144060672247334')).toThrow(TypeError);
    expect(() => computeSocialCreditCodeCheckChar('9144060672247334I')).toThrow(TypeError);
  });
});

describe('parseSocialCreditCode', () => {
  it('splits a code into its GB 32100 fields', () => {
    expect(parseSocialCreditCode('91440606722473344C')).toEqual({
      registrationAuthority: '9',
      organizationCategory: '1',
      regionCode: '440606',
      organizationCode: '722473344',
      checkChar: 'C',
    });
    expect(parseSocialCreditCode('91440606722473344D')).toBeUndefined();
  });
});
