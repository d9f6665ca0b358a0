import { describe, expect, it } from '@jest/globals';
import { BodyCache, strongEtag } from './catalogue-cache.interceptor.js';

describe('BodyCache (catalogue response cache)', () => {
  const entry = (body: string) => ({ body: Buffer.from(body), etag: strongEtag(body) });

  it('keeps at most maxEntries, dropping the least recently used', () => {
    const cache = new BodyCache(2);
    cache.set('a', entry('1'));
    cache.set('b', entry('2'));
    expect(cache.get('a')?.body.toString()).toBe('1'); // a is now the most recent
    cache.set('c', entry('3'));
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.body.toString()).toBe('1');
    expect(cache.get('c')?.body.toString()).toBe('3');
  });

  it('gives a strong ETag that depends on every byte', () => {
    expect(strongEtag('{"a":1}')).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(strongEtag('{"a":1}')).toBe(strongEtag('{"a":1}'));
    expect(strongEtag('{"a":1}')).not.toBe(strongEtag('{"a":2}'));
  });
});
