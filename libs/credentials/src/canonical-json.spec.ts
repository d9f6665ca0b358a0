import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined members and writes no white space', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('writes Chinese text as raw UTF-8 and escapes only what JSON requires', () => {
    expect(canonicalJson({ name: '陈小明', q: 'say "hi"\\', nl: 'a\nb', tab: '\t', bell: '\u0007' })).toBe('{"bell":"\\u0007","name":"陈小明","nl":"a\\nb","q":"say \\"hi\\"\\\\","tab":"\\t"}');
    expect(Buffer.from(canonicalJson('广佛'), 'utf8').toString('hex')).toBe('22e5b9bfe4bd9b22');
  });

  it('orders keys by UTF-16 code units (RFC 8785), so upper case sorts before lower case', () => {
    expect(canonicalJson({ b: 0, B: 0, a: 0, _: 0, '1': 0 })).toBe('{"1":0,"B":0,"_":0,"a":0,"b":0}');
  });

  it('refuses what two implementations could write differently', () => {
    expect(() => canonicalJson({ x: 1.5 })).toThrow(/safe integers/);
    expect(() => canonicalJson({ x: Number.NaN })).toThrow();
    expect(() => canonicalJson({ x: 2 ** 53 })).toThrow();
    expect(() => canonicalJson({ x: 10n })).toThrow(/bigint/);
    expect(() => canonicalJson([1, undefined])).toThrow(/undefined/);
    expect(() => canonicalJson({ s: '\uD800' })).toThrow(/surrogate/);
    expect(() => canonicalJson({ d: new Date(0) })).toThrow(/plain objects/);
    expect(canonicalJson({ s: '😀' })).toBe('{"s":"😀"}');
    expect(canonicalJson(-0)).toBe('0');
  });

  it('is independent of key insertion order and agrees with JSON.parse (round trip)', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 5 }), tie('value'), { maxKeys: 4 })),
    })).value;
    fc.assert(
      fc.property(json, (v) => {
        const c = canonicalJson(v);
        expect(canonicalJson(JSON.parse(c))).toBe(c);
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          const reversed = Object.fromEntries(Object.entries(v).reverse());
          expect(canonicalJson(reversed)).toBe(c);
        }
      }),
    );
  });
});
