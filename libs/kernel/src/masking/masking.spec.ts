import { describe, expect, it } from '@jest/globals';
import { maskDocumentNumber, maskName } from './masking.js';

// maskIdNumber is specified beside the ID number rules, in identifiers/resident-id.spec.ts.
describe('maskName', () => {
  it('keeps the first and, from three characters on, the last character', () => {
    expect(maskName('李小红')).toBe('李*红');
    expect(maskName('欧阳小明')).toBe('欧**明');
    expect(maskName('陈明')).toBe('陈*');
    expect(maskName('李')).toBe('*');
    expect(maskName('')).toBe('*');
    expect(maskName('𠀋小明')).toBe('𠀋*明');
  });
});

describe('maskDocumentNumber', () => {
  it('keeps the last 4 characters only', () => {
    expect(maskDocumentNumber('E12345678')).toBe('*****5678');
    expect(maskDocumentNumber('1234')).toBe('****');
  });
});
