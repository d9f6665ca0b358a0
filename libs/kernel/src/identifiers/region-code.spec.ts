import { describe, expect, it } from '@jest/globals';
import { PROVINCE_CODES, isValidRegionCode, provinceOfRegionCode, regionCodeLevel } from './region-code.js';

describe('PROVINCE_CODES', () => {
  it('lists the 34 province-level divisions of GB/T 2260', () => {
    expect(PROVINCE_CODES.size).toBe(34);
    expect(PROVINCE_CODES.get('44')).toBe('广东省');
    expect([...PROVINCE_CODES.keys()].every((code) => /^[1-8]\d$/.test(code))).toBe(true);
  });
});

describe('isValidRegionCode', () => {
  it.each([
    ['440000', '广东省'],
    ['440100', '广州市'],
    ['440106', '广州市天河区'],
    ['440600', '佛山市'],
    ['440604', '佛山市禅城区'],
    ['440606', '佛山市顺德区'],
    ['429004', '湖北省仙桃市 (province-administered, prefecture part 90)'],
    ['110105', '北京市朝阳区'],
    ['810000', '香港特别行政区'],
    ['820000', '澳门特别行政区'],
    ['710000', '台湾省'],
  ])('accepts %s (%s)', (code) => {
    expect(isValidRegionCode(code)).toBe(true);
  });

  it.each([
    ['000000', 'no province 00'],
    ['990000', 'no province 99'],
    ['100000', 'national level, not a division'],
    ['830000', 'Taiwan residence-permit prefix, not in GB/T 2260'],
    ['440001', 'county part under prefecture 00'],
    ['44010', 'five digits'],
    ['4401000', 'seven digits'],
    ['44010a', 'letter'],
    [' 440100', 'whitespace'],
    ['４４０１００', 'full-width digits'],
  ])('rejects %s (%s)', (code) => {
    expect(isValidRegionCode(code)).toBe(false);
  });

  it('rejects non-strings', () => {
    expect(isValidRegionCode(440100 as unknown as string)).toBe(false);
  });
});

describe('provinceOfRegionCode / regionCodeLevel', () => {
  it('names the province and the level implied by the shape', () => {
    expect(provinceOfRegionCode('440604')).toBe('广东省');
    expect(provinceOfRegionCode('990000')).toBeUndefined();
    expect(regionCodeLevel('440000')).toBe('province');
    expect(regionCodeLevel('440600')).toBe('prefecture');
    expect(regionCodeLevel('440604')).toBe('county');
    expect(regionCodeLevel('440001')).toBeUndefined();
  });
});
