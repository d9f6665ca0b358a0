/**
 * One masking rule per kind of personal data, for every response or log line not addressed to the
 * person (partners, verifiers, staff without a stated purpose). They follow the de-identification
 * practice of GB/T 35273-2020 (信息安全技术 个人信息安全规范: show only what the purpose needs) in the
 * form Chinese public services usually print: enough for the person to recognise their own record,
 * too little for anyone else to identify them. Malformed input is masked completely, never echoed.
 */

const STAR = '*';

/**
 * Person's name: first character (usually the surname) and, from three characters on, the last;
 * everything between is starred. 李小红 → 李*红, 欧阳小明 → 欧**明, 陈明 → 陈*, 李 → *.
 * Counts code points, so a name with characters outside the BMP is not split in half.
 */
export const maskName = (name: string): string => {
  const chars = [...(typeof name === 'string' ? name : '')];
  if (chars.length <= 1) return STAR;
  if (chars.length === 2) return `${chars[0]}${STAR}`;
  return `${chars[0]}${STAR.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
};

/**
 * 居民身份证 number (GB 11643): first 3 and last 4 characters kept, e.g. `11010519491231002X` →
 * `110***********002X`. This hides the prefecture/county and the whole date of birth; the province
 * digits and the last 4 (common for "尾号" confirmation) remain. A 15-character legacy number keeps
 * the same 3 + 4. Anything else is fully masked (same length, at least one `*`), so malformed input
 * never leaks into logs. Does not validate.
 */
export const maskIdNumber = (id: string): string => {
  const value = typeof id === 'string' ? id : '';
  if (value.length === 18 || value.length === 15) return `${value.slice(0, 3)}${STAR.repeat(value.length - 7)}${value.slice(-4)}`;
  return STAR.repeat(Math.max(1, value.length));
};

/**
 * Any other personal document number (passport, 港澳台 permits, 军官证 …): only the last 4 kept,
 * e.g. `E12345678` → `*****5678`; 4 characters or fewer are fully masked (same length).
 */
export const maskDocumentNumber = (code: string): string => {
  const value = typeof code === 'string' ? code : '';
  return value.length <= 4 ? STAR.repeat(value.length) : `${STAR.repeat(value.length - 4)}${value.slice(-4)}`;
};
