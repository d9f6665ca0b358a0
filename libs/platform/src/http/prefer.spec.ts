import { prefersMinimal } from './prefer.js';

describe('prefersMinimal (RFC 7240)', () => {
  it.each([
    ['return=minimal', true],
    ['Return=Minimal', true],
    ['respond-async, return=minimal', true],
    ['return = minimal; foo=bar', true],
    ['return=representation', false],
    ['return=minimalist', false],
    ['', false],
    [undefined, false],
    ['wait=10', false],
  ])('%p → %p', (header, expected) => {
    expect(prefersMinimal(header)).toBe(expected);
  });
});
