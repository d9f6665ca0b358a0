import { describe, expect, it } from '@jest/globals';
import { DomainError } from '@guangfo/platform';
import { DETAIL_FILE_HEADER, detailResultFile, parseDetailFile, yuanText } from './detail-file.js';

const A = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
const B = '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
const C = 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof DomainError ? e.code : 'not a DomainError';
  }
  return undefined;
};

describe('the 3202 detail file', () => {
  it('parses yuan to fen exactly; a BOM, CRLF and blank lines are fine; ids lower-cased', () => {
    expect(parseDetailFile(`\ufeff${DETAIL_FILE_HEADER}\r\n${A.toUpperCase()},settlement,18600.00,11900,0.5,6699.50\r\n\r\n`)).toEqual([
      { settlementId: A, kind: 'settlement', medfeeFen: 1_860_000, fundFen: 1_190_000, acctFen: 50, cashFen: 669_950 },
    ]);
  });
  it('refuses a missing header, a bad line, more than 2 decimals — with the code the caller names', () => {
    expect(codeOf(() => parseDetailFile('a,b\n'))).toBe('MEDICAL_INVALID_REQUEST');
    expect(codeOf(() => parseDetailFile(`${DETAIL_FILE_HEADER}\n${A},settled,1,1,0,0\n`, 'MEDICAL_FILE_INVALID'))).toBe(
      'MEDICAL_FILE_INVALID',
    );
    expect(codeOf(() => parseDetailFile(`${DETAIL_FILE_HEADER}\n${A},settlement,1.001,1,0,0\n`))).toBe('MEDICAL_INVALID_REQUEST');
    expect(codeOf(() => parseDetailFile(`${DETAIL_FILE_HEADER}\n${A},settlement,1,1,0\n`))).toBe('MEDICAL_INVALID_REQUEST');
  });
  it('yuan with exactly two decimals', () => {
    expect([yuanText(0), yuanText(5), yuanText(1_860_000), yuanText(-12_345)]).toEqual(['0.00', '0.05', '18600.00', '-123.45']);
  });
});

describe('the 3202 result file (9102)', () => {
  const e = (settlementId: string, kind: 'settlement' | 'reversal', fund: number) => ({
    settlementId,
    kind,
    medfeeFen: 30_000,
    fundFen: fund,
    acctFen: 0,
    cashFen: 30_000 - fund,
  });
  it('every agency entry with its outcome, then the hospital’s lines the agency lacks; sorted; parses back as a detail file', () => {
    const csv = detailResultFile(
      [e(A, 'settlement', 12_000), e(B, 'settlement', 11_000), e(C, 'settlement', 1)],
      [e(A, 'settlement', 12_000), e(A, 'reversal', 12_000), e(B, 'settlement', 12_000)],
    );
    expect(csv.trimEnd().split('\n')).toEqual([
      `${DETAIL_FILE_HEADER},result,fields`,
      `${B},settlement,300.00,120.00,0.00,180.00,AMOUNT_MISMATCH,fundFen;cashFen`,
      `${A},reversal,300.00,120.00,0.00,180.00,MISSING_AT_HOSPITAL,`,
      `${A},settlement,300.00,120.00,0.00,180.00,MATCHED,`,
      `${C},settlement,300.00,0.01,0.00,299.99,MISSING_AT_AGENCY,`,
    ]);
  });
  it('a day with nothing on either side is the header alone', () => {
    expect(detailResultFile([], [])).toBe(`${DETAIL_FILE_HEADER},result,fields\n`);
  });
});
