import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { jcsCanonicalJson, stableJson } from './canonical-json.js';

describe('jcsCanonicalJson (signed documents)', () => {
  it('sorts keys at every depth, drops undefined members and writes no white space', () => {
    expect(jcsCanonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('writes Chinese text as raw UTF-8 and escapes only what JSON requires', () => {
    expect(jcsCanonicalJson({ name: '陈小明', q: 'say "hi"\\', nl: 'a\nb', tab: '\t', bell: '\u0007' })).toBe(
      '{"bell":"\\u0007","name":"陈小明","nl":"a\\nb","q":"say \\"hi\\"\\\\","tab":"\\t"}',
    );
    expect(Buffer.from(jcsCanonicalJson('广佛'), 'utf8').toString('hex')).toBe('22e5b9bfe4bd9b22');
  });

  it('orders keys by UTF-16 code units (RFC 8785), so upper case sorts before lower case', () => {
    expect(jcsCanonicalJson({ b: 0, B: 0, a: 0, _: 0, '1': 0 })).toBe('{"1":0,"B":0,"_":0,"a":0,"b":0}');
  });

  it('refuses what two implementations could write differently', () => {
    expect(() => jcsCanonicalJson({ x: 1.5 })).toThrow(/safe integers/);
    expect(() => jcsCanonicalJson({ x: Number.NaN })).toThrow();
    expect(() => jcsCanonicalJson({ x: 2 ** 53 })).toThrow();
    expect(() => jcsCanonicalJson({ x: 10n })).toThrow(/bigint/);
    expect(() => jcsCanonicalJson([1, undefined])).toThrow(/undefined/);
    expect(() => jcsCanonicalJson({ s: '\uD800' })).toThrow(/surrogate/);
    expect(() => jcsCanonicalJson({ d: new Date(0) })).toThrow(/plain objects/);
    expect(jcsCanonicalJson({ s: '😀' })).toBe('{"s":"😀"}');
    expect(jcsCanonicalJson(-0)).toBe('0');
  });

  it('is independent of key insertion order and agrees with JSON.parse (round trip)', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 5 }), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, (v) => {
        const c = jcsCanonicalJson(v);
        expect(jcsCanonicalJson(JSON.parse(c))).toBe(c);
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          const reversed = Object.fromEntries(Object.entries(v).reverse());
          expect(jcsCanonicalJson(reversed)).toBe(c);
        }
      }),
    );
  });
});

describe('stableJson (hashing and event signatures)', () => {
  it('sorts keys, drops undefined members, and accepts what JSON accepts (its bytes are pinned: stored hashes depend on them)', () => {
    expect(stableJson({ b: 1.5, a: { d: [3, { z: true, y: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1.5}',
    );
    expect(stableJson({ at: new Date(0), name: '陈小明' })).toBe('{"at":"1970-01-01T00:00:00.000Z","name":"陈小明"}');
    expect(stableJson(undefined)).toBe('null');
  });
});
