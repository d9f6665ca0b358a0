/**
 * 统一社会信用代码 (unified social credit code) per GB 32100-2015: 18 characters
 *
 *   A   B   RRRRRR    OOOOOOOOO   C
 *   |   |   |         |           check character
 *   |   |   |         主体标识码 (organization code, GB 11714)
 *   |   |   登记管理机关行政区划码 (6 digits; 100000 for central-level registrations)
 *   |   机构类别代码 (organization category)
 *   登记管理部门代码 (registering authority: 1 机构编制, 5 民政, 9 工商, Y 其他, ...)
 *
 * Characters come from the 31-symbol set `0-9 A-H J-N P-R T-U W-Y` (no I, O,
 * S, V, Z), each worth its index 0–30. The check character is
 *   C = 31 − (Σ vᵢ·Wᵢ mod 31), with 31 mapped to 0,
 *   Wᵢ = 3^i mod 31 = 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
 *
 * Validation checks the character set, that positions 3–8 are digits, and
 * the check character. Positions 1–2 are not checked against a list (new
 * registering authorities have been added since 2015), nor is the embedded
 * GB 11714 organization code's own check digit. Upper case only; use
 * `normalizeSocialCreditCode` for user input.
 */

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

export interface SocialCreditCodeInfo {
  /** 登记管理部门代码, position 1. */
  readonly registrationAuthority: string;
  /** 机构类别代码, position 2. */
  readonly organizationCategory: string;
  /** 登记管理机关行政区划码, positions 3–8. */
  readonly regionCode: string;
  /** 主体标识码 (organization code), positions 9–17. */
  readonly organizationCode: string;
  readonly checkChar: string;
}

/** Computes the GB 32100 check character for the first 17 characters of a code. */
export function computeSocialCreditCodeCheckChar(first17: string): string {
  if (typeof first17 !== 'string' || !/^[0-9A-HJ-NPQRTUWXY]{17}$/.test(first17)) {
    throw new TypeError('computeSocialCreditCodeCheckChar expects 17 characters from 0-9 A-H J-N P-R T-U W-Y');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CHARSET.indexOf(first17[i]!) * WEIGHTS[i]!;
  return CHARSET[(31 - (sum % 31)) % 31]!;
}

/** Splits a valid code into its parts, or returns undefined if it is not valid. */
export function parseSocialCreditCode(code: string): SocialCreditCodeInfo | undefined {
  if (typeof code !== 'string' || !SHAPE.test(code)) return undefined;
  if (computeSocialCreditCodeCheckChar(code.slice(0, 17)) !== code[17]) return undefined;
  return {
    registrationAuthority: code[0]!,
    organizationCategory: code[1]!,
    regionCode: code.slice(2, 8),
    organizationCode: code.slice(8, 17),
    checkChar: code[17]!,
  };
}

/** True if `code` is a valid GB 32100-2015 unified social credit code (strict: upper case). */
export function isValidSocialCreditCode(code: string): boolean {
  return parseSocialCreditCode(code) !== undefined;
}

/** Trims and upper-cases user input; returns it if valid, otherwise undefined. */
export function normalizeSocialCreditCode(input: string): string | undefined {
  if (typeof input !== 'string') return undefined;
  const candidate = input.trim().toUpperCase();
  return isValidSocialCreditCode(candidate) ? candidate : undefined;
}
