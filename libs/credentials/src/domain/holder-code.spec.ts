import { describe, expect, it } from '@jest/globals';
import { maskName } from '@guangfo/kernel';
import { isValidHolderCode, maskHolderCode } from './holder-code.js';

describe('holder codes', () => {
  it('checks ID numbers and unified social credit codes with their check characters', () => {
    expect(isValidHolderCode('111', '440106199001010013')).toBe(true);
    expect(isValidHolderCode('111', '440106199001010014')).toBe(false);
    expect(isValidHolderCode('001', '91440101MA5C12345E')).toBe(true);
    expect(isValidHolderCode('001', '91440101MA5C12345F')).toBe(false);
    expect(isValidHolderCode('516', 'H12345678')).toBe(true);
    expect(isValidHolderCode('516', 'X12345678')).toBe(false);
  });

  it('masks natural persons, not organisations', () => {
    expect(maskName('陈小明')).toBe('陈*明');
    expect(maskName('李')).toBe('*');
    expect(maskHolderCode('111', '440106199001010013')).toBe('440***********0013');
    expect(maskHolderCode('414', 'E12345678')).toBe('*****5678');
    expect(maskHolderCode('001', '91440101MA5C12345E')).toBe('91440101MA5C12345E');
  });
});
