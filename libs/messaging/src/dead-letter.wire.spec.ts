import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { loadWire, storeWire } from './dead-letter.wire.js';

describe('dead letters byte for byte', () => {
  it('keeps a Kafka record exactly: null key, invalid UTF-8, NUL bytes, null and repeated headers', () => {
    const message = {
      key: null,
      value: Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x7b]),
      headers: {
        ce_id: Buffer.from([0x00, 0x80, 0x61]),
        'nul\u0000name': Buffer.from('x'),
        empty: null,
        twice: [Buffer.from('one'), null, Buffer.from([0xfe])],
      },
    };
    const stored = storeWire(message);
    expect(stored.rawKey).toBeNull();
    expect(stored.rawValue!.equals(message.value)).toBe(true);
    expect(loadWire(stored)).toEqual(message);
  });

  it('stores text (the embedded transport) as its UTF-8 bytes', () => {
    const stored = storeWire({ key: 'k', headers: { ce_id: '佛山\u0000' }, value: '\u0000' });
    expect(stored.rawKey!.equals(Buffer.from('k'))).toBe(true);
    expect(stored.rawValue!.equals(Buffer.from([0]))).toBe(true);
    expect(loadWire(stored)).toEqual({ key: Buffer.from('k'), headers: { ce_id: Buffer.from('佛山\u0000') }, value: Buffer.from([0]) });
  });

  it('round-trips any bytes', () => {
    const bytes = fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(
        fc.option(bytes, { nil: null }),
        fc.option(bytes, { nil: null }),
        fc.dictionary(fc.string(), fc.option(bytes, { nil: null })),
        (key, value, headers) => {
          expect(loadWire(storeWire({ key, value, headers }))).toEqual({ key, value, headers });
        },
      ),
    );
  });
});
