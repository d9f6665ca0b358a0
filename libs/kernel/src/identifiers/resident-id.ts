/**
 * 公民身份号码 (citizen identity number) per GB 11643-1999: 18 characters
 *
 *   RRRRRR YYYYMMDD SSS C
 *   region  birth    seq check
 *
 * - RRRRRR: address code (GB/T 2260) of the place of household registration
 *   at issue time. Only its shape and province are checked (codes retire but
 *   stay valid on issued cards), see `region-code.ts`. The prefixes 810000,
 *   820000 and 830000 of 港澳台居民居住证 (residence permits for Hong Kong,
 *   Macao and Taiwan residents, same number format) are accepted too.
 * - YYYYMMDD: a real calendar date, not before 1800-01-01 (the standard's own
 *   example is born 1880) and not after today in China (UTC+8).
 * - SSS: sequence; its last digit is odd for men, even for women.
 * - C: ISO 7064 MOD 11-2 check character, `0`–`9` or `X`:
 *   S = Σ aᵢ·Wᵢ with Wᵢ = 2^(17-i) mod 11 = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
 *   C = (12 − S mod 11) mod 11, written `X` when 10.
 *
 * Lower-case `x`: the standard writes the check character as upper-case `X`.
 * `isValidResidentId` is strict and rejects `x`; run user input through
 * `normalizeResidentId` (trim + upper-case) first if you want to accept it.
 * The 15-digit first-generation numbers are not accepted.
 */
import { toShanghaiDate } from '../time/shanghai-date.js';
import { isValidRegionCode } from './region-code.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432'; // indexed by S mod 11
const SHAPE = /^\d{17}[\dX]$/;
const RESIDENCE_PERMIT_PREFIXES = new Set(['810000', '820000', '830000']);
const EARLIEST_BIRTH_DATE = '18000101';

export interface ResidentIdOptions {
  /** "Today" for the not-born-in-the-future check; defaults to the current time. */
  readonly now?: Date;
}

export interface ResidentIdInfo {
  /** The six-digit address code. */
  readonly regionCode: string;
  /** Date of birth as `YYYY-MM-DD`. */
  readonly birthDate: string;
  readonly sex: 'male' | 'female';
  readonly checkChar: string;
}

/** Computes the GB 11643 check character for the first 17 digits of a number. */
export function computeResidentIdCheckChar(first17: string): string {
  if (typeof first17 !== 'string' || !/^\d{17}$/.test(first17)) {
    throw new TypeError('computeResidentIdCheckChar expects exactly 17 digits');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

function isRealDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

function chinaToday(now: Date): string {
  return toShanghaiDate(now).replace(/-/g, '');
}

/** Parses a valid number into its parts, or returns undefined if it is not valid. */
export function parseResidentId(id: string, options: ResidentIdOptions = {}): ResidentIdInfo | undefined {
  if (typeof id !== 'string' || !SHAPE.test(id)) return undefined;
  const regionCode = id.slice(0, 6);
  if (!isValidRegionCode(regionCode) && !RESIDENCE_PERMIT_PREFIXES.has(regionCode)) return undefined;
  const birth = id.slice(6, 14);
  if (!isRealDate(birth) || birth < EARLIEST_BIRTH_DATE || birth > chinaToday(options.now ?? new Date())) {
    return undefined;
  }
  const checkChar = id[17]!;
  if (computeResidentIdCheckChar(id.slice(0, 17)) !== checkChar) return undefined;
  return {
    regionCode,
    birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
    sex: Number(id[16]) % 2 === 1 ? 'male' : 'female',
    checkChar,
  };
}

/** True if `id` is a valid 18-character GB 11643-1999 number (strict: upper-case `X` only). */
export function isValidResidentId(id: string, options: ResidentIdOptions = {}): boolean {
  return parseResidentId(id, options) !== undefined;
}

/**
 * Normalizes user input (trims surrounding whitespace, upper-cases a trailing
 * `x`) and returns it if valid, otherwise undefined.
 */
export function normalizeResidentId(input: string, options: ResidentIdOptions = {}): string | undefined {
  if (typeof input !== 'string') return undefined;
  const candidate = input.trim().toUpperCase();
  return isValidResidentId(candidate, options) ? candidate : undefined;
}
