/**
 * Administrative division codes (行政区划代码, GB/T 2260): shape checks only.
 *
 * A code is six digits PPCCDD: province (PP), prefecture (CC) and county (DD).
 * This module deliberately does NOT carry the full code table — it changes
 * every year and historical codes stay valid on identity documents issued
 * under them. It checks what is stable:
 * - six ASCII digits;
 * - PP is one of the 34 province-level codes of GB/T 2260;
 * - the hierarchy is well-formed: a code with prefecture part `00` is the
 *   province itself and must be `PP0000` (county parts are never assigned
 *   directly under `00`; province-administered counties use prefecture
 *   part `90`, e.g. 429004).
 * So `isValidRegionCode` means "well-formed and plausibly real", not "exists".
 */

/** Province-level codes (first two digits) of GB/T 2260, with their names. */
export const PROVINCE_CODES: ReadonlyMap<string, string> = new Map([
  ['11', '北京市'],
  ['12', '天津市'],
  ['13', '河北省'],
  ['14', '山西省'],
  ['15', '内蒙古自治区'],
  ['21', '辽宁省'],
  ['22', '吉林省'],
  ['23', '黑龙江省'],
  ['31', '上海市'],
  ['32', '江苏省'],
  ['33', '浙江省'],
  ['34', '安徽省'],
  ['35', '福建省'],
  ['36', '江西省'],
  ['37', '山东省'],
  ['41', '河南省'],
  ['42', '湖北省'],
  ['43', '湖南省'],
  ['44', '广东省'],
  ['45', '广西壮族自治区'],
  ['46', '海南省'],
  ['50', '重庆市'],
  ['51', '四川省'],
  ['52', '贵州省'],
  ['53', '云南省'],
  ['54', '西藏自治区'],
  ['61', '陕西省'],
  ['62', '甘肃省'],
  ['63', '青海省'],
  ['64', '宁夏回族自治区'],
  ['65', '新疆维吾尔自治区'],
  ['71', '台湾省'],
  ['81', '香港特别行政区'],
  ['82', '澳门特别行政区'],
]);

const SIX_DIGITS = /^\d{6}$/;

/** True if `code` is a six-digit, well-formed GB/T 2260 code under a known province (see module doc). */
export function isValidRegionCode(code: string): boolean {
  if (typeof code !== 'string' || !SIX_DIGITS.test(code)) return false;
  if (!PROVINCE_CODES.has(code.slice(0, 2))) return false;
  return code.slice(2, 4) !== '00' || code.slice(4, 6) === '00';
}

/** Name of the province-level division a (valid) code belongs to, e.g. `广东省` for 440604. */
export function provinceOfRegionCode(code: string): string | undefined {
  return isValidRegionCode(code) ? PROVINCE_CODES.get(code.slice(0, 2)) : undefined;
}

/** The level the code designates by its shape: PP0000 province, PPCC00 prefecture, otherwise county. */
export function regionCodeLevel(code: string): 'province' | 'prefecture' | 'county' | undefined {
  if (!isValidRegionCode(code)) return undefined;
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'prefecture';
  return 'county';
}
