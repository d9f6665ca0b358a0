import { describe, expect, it } from '@jest/globals';
import { CURSOR_MAX_LENGTH, decodeCursor, encodeCursor } from './cursor-codec.js';

const isPair = (v: unknown): v is { d: string; i: string } =>
  typeof v === 'object' && v !== null && typeof (v as { d?: unknown }).d === 'string' && typeof (v as { i?: unknown }).i === 'string';

describe('cursor codec', () => {
  it('round-trips a payload through base64url JSON', () => {
    const c = encodeCursor({ d: '2026-10-19', i: 'abc' });
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c, isPair)).toEqual({ d: '2026-10-19', i: 'abc' });
  });

  it('rejects what it did not issue', () => {
    for (const raw of ['', 'nonsense', 'not-a-cursor', '%%%', encodeCursor({ d: 1 }), 'A'.repeat(CURSOR_MAX_LENGTH + 1)]) {
      expect(decodeCursor(raw, isPair)).toBeUndefined();
    }
  });
});
