import { describe, expect, it } from '@jest/globals';
import type { DomainError } from '../errors/domain-error.js';
import { answerWithVersion, parseIfMatch, requireVersion } from './if-match.js';

describe('If-Match on the steps of versioned resources', () => {
  it('reads "7", W/"7" and 7; absent is undefined; anything else NaN', () => {
    expect(parseIfMatch('"7"')).toBe(7);
    expect(parseIfMatch('W/"7"')).toBe(7);
    expect(parseIfMatch('7')).toBe(7);
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('  ')).toBeUndefined();
    expect(parseIfMatch('"abc"')).toBeNaN();
  });

  it('428 without If-Match, 412 when stale or unparseable, passes on the current version', () => {
    const codeOf = (f: () => void): unknown => {
      try {
        f();
        return 'ok';
      } catch (e) {
        return [(e as DomainError).status, (e as DomainError).code];
      }
    };
    expect(codeOf(() => requireVersion(2, undefined, 'case'))).toEqual([428, 'PRECONDITION_REQUIRED']);
    expect(codeOf(() => requireVersion(2, '"1"', 'case'))).toEqual([412, 'PRECONDITION_FAILED']);
    expect(codeOf(() => requireVersion(2, 'nope', 'case'))).toEqual([412, 'PRECONDITION_FAILED']);
    expect(codeOf(() => requireVersion(2, '"2"', 'case'))).toBe('ok');
  });

  it('answers a versioned view with its ETag, never as a 304, not stored by caches', () => {
    const headers: Record<string, string> = {};
    const req = { headers: { 'if-none-match': '"3"', 'if-modified-since': 'Fri, 04 Dec 2026 00:00:00 GMT', accept: '*/*' } };
    const res = { req, setHeader: (k: string, v: string) => (headers[k] = v) } as unknown as Parameters<typeof answerWithVersion>[0];
    answerWithVersion(res, 3);
    expect(headers).toEqual({ ETag: '"3"', 'Cache-Control': 'private, no-store' });
    expect(req.headers).toEqual({ accept: '*/*' });
  });
});
