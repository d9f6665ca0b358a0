import { stringify } from 'safe-stable-stringify';

/*
 * Two canonical JSON forms, for two jobs. Neither may change its bytes: stored audit hashes, event
 * signatures and credential signatures are computed over them.
 *
 * - `stableJson`: for hashing and event signatures (audit chain, request hashes, catalogue and
 *   calendar versions, signed CloudEvents). Keys sorted, no whitespace, `undefined` members dropped,
 *   anything JSON.stringify accepts (floats, Dates as ISO strings) is accepted.
 * - `jcsCanonicalJson`: for signed documents (credentials, presentations). A strict subset of
 *   RFC 8785 (JCS) that refuses everything two implementations could write differently.
 */

/** Keys sorted, no whitespace, `undefined` members dropped (safe-stable-stringify); `undefined` itself → `null`. */
export const stableJson = (value: unknown): string => stringify(value) ?? 'null';

/**
 * JCS canonical JSON of a credential, the exact bytes that are signed (UTF-8 of the returned string).
 *
 * Rules (a subset of RFC 8785 JCS that needs no number formatting):
 * - objects: members sorted by key, comparing UTF-16 code units (JavaScript's default sort; for
 *   the ASCII keys used here this is plain byte order); members whose value is `undefined` are dropped;
 * - no insignificant whitespace;
 * - strings as `JSON.stringify` writes them: `"` and `\` escaped, control characters as `\b \f \n \r \t`
 *   or `\u00xx`, everything else (Chinese included) as raw UTF-8;
 * - numbers: safe integers only (a credential has no fractions), written in decimal;
 * - `true`, `false`, `null`; arrays keep their order.
 * Anything else (floats, NaN, bigint, functions, lone surrogates, `undefined` in an array) throws,
 * so two implementations can never disagree about a signed document.
 */
export function jcsCanonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new TypeError('jcsCanonicalJson: string with a lone surrogate');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) throw new TypeError(`jcsCanonicalJson: only safe integers are allowed, got ${value}`);
      return Object.is(value, -0) ? '0' : String(value);
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        return `[${value
          .map((v, i) => {
            if (v === undefined) throw new TypeError(`jcsCanonicalJson: undefined at array index ${i}`);
            return jcsCanonicalJson(v);
          })
          .join(',')}]`;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new TypeError('jcsCanonicalJson: only plain objects are allowed');
      const keys = Object.keys(value as Record<string, unknown>)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${jcsCanonicalJson(k)}:${jcsCanonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
    }
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      throw new TypeError(`jcsCanonicalJson: cannot encode a ${typeof value}`);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
