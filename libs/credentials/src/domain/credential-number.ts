/**
 * 证照编号 (credential number), a scheme of this project in the style of GB/T 36904-2018 (电子证照
 * 标识): the identifier names the issuing body by its unified social credit code, then the year of
 * issue, a sequence per issuing body and year, and a check character. It is not the national
 * 证照标识 (which uses national type codes this project does not have).
 *
 *   91440101MA5CXXXXXX 2026 00000042 K
 *   |                  |    |        ISO/IEC 7064 MOD 37,36 check character over the first 30 characters
 *   |                  |    sequence, 8 digits, per issuing body and year
 *   |                  year of issue (Asia/Shanghai)
 *   颁发机构代码: the issuing body's 统一社会信用代码 (GB 32100)
 *
 * 31 characters from 0-9A-Z, no separators (safe in URLs, QR codes and fixed-width columns).
 */
export const CREDENTIAL_NUMBER_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{18}\d{4}\d{8}[0-9A-Z]$/;
export const MOD_37_36_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** ISO/IEC 7064 hybrid system MOD (M+1),M over `alphabet` (M = its length): the running checksum; a valid string gives 1. */
export const iso7064HybridChecksum = (value: string, alphabet = MOD_37_36_ALPHABET): number => {
  const m = alphabet.length;
  let check = Math.floor(m / 2);
  for (const ch of value) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new RangeError(`character ${JSON.stringify(ch)} is not in the check alphabet`);
    check = ((((check || m) * 2) % (m + 1)) + v) % m;
  }
  return check;
};

/** The check character to append to `value` (ISO/IEC 7064 hybrid MOD 37,36 by default). */
export const iso7064HybridCheckChar = (value: string, alphabet = MOD_37_36_ALPHABET): string => {
  const m = alphabet.length;
  const index = (((1 - (((iso7064HybridChecksum(value, alphabet) || m) * 2) % (m + 1))) % m) + m) % m;
  return alphabet[index]!;
};

export const formatCredentialNumber = (issuerCode: string, year: number, sequence: number): string => {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(issuerCode)) throw new RangeError('issuer code must be an 18-character unified social credit code');
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`year out of range: ${year}`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 99_999_999) throw new RangeError(`sequence out of range: ${sequence}`);
  const body = `${issuerCode}${year}${String(sequence).padStart(8, '0')}`;
  return `${body}${iso7064HybridCheckChar(body)}`;
};

export const isValidCredentialNumber = (number: string): boolean =>
  typeof number === 'string' && CREDENTIAL_NUMBER_PATTERN.test(number) && iso7064HybridChecksum(number) === 1;

export const parseCredentialNumber = (number: string): { issuerCode: string; year: number; sequence: number } | undefined =>
  isValidCredentialNumber(number)
    ? { issuerCode: number.slice(0, 18), year: Number(number.slice(18, 22)), sequence: Number(number.slice(22, 30)) }
    : undefined;
