import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { UserPrincipal } from './principal.js';
import { VerifiedTokens } from './verified-tokens.js';

const clerk: UserPrincipal = { kind: 'user', sub: 'fs-clerk', role: 'clerk', city: '440600', hall: 'FS-CC-01' };
const at = (seconds: number) => jest.spyOn(Date, 'now').mockReturnValue(seconds * 1000);

describe('VerifiedTokens', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('gives back what a verified token gave, as a copy, until exp (expired once now ≥ exp, as jsonwebtoken decides)', () => {
    const tokens = new VerifiedTokens();
    at(1_000);
    tokens.remember('t1', clerk, 1_002);
    const first = tokens.principalOf('t1')!;
    expect(first).toEqual(clerk);
    first.role = 'admin';
    expect(tokens.principalOf('t1')).toEqual(clerk);
    at(1_001.999);
    expect(tokens.principalOf('t1')).toEqual(clerk);
    at(1_002);
    expect(tokens.principalOf('t1')).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('knows only the exact token text, and never a token without a numeric exp', () => {
    const tokens = new VerifiedTokens();
    at(1_000);
    tokens.remember('t1', clerk, 2_000);
    expect(tokens.principalOf('t1 ')).toBeUndefined();
    expect(tokens.principalOf('T1')).toBeUndefined();
    for (const exp of [undefined, null, '2000', Number.NaN, Number.POSITIVE_INFINITY]) tokens.remember('t2', clerk, exp);
    expect(tokens.principalOf('t2')).toBeUndefined();
  });

  it('holds at most 10 000 tokens, the oldest going first', () => {
    const tokens = new VerifiedTokens();
    at(1_000);
    for (let i = 0; i <= 10_000; i++) tokens.remember(`t${i}`, clerk, 2_000);
    expect(tokens.size).toBe(10_000);
    expect(tokens.principalOf('t0')).toBeUndefined();
    expect(tokens.principalOf('t1')).toEqual(clerk);
    expect(tokens.principalOf('t10000')).toEqual(clerk);
  });
});
