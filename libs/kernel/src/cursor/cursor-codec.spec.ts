import { describe, expect, it } from '@jest/globals';
import { CURSOR_MAX_LENGTH, decodeCursor, encodeCursor } from './cursor-codec.js';
import { cursorField, cursorShape } from './cursor-shape.js';

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

describe('cursor shapes', () => {
  const isCase = cursorShape<{ d: string; i: string }>({ d: cursorField.date, i: cursorField.uuid });
  const U = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

  it('accepts what an endpoint issues', () => {
    expect(isCase({ d: '2026-02-28', i: U })).toBe(true);
    expect(cursorField.instant('2026-12-05T02:00:00.123Z')).toBe(true);
    expect(cursorField.instant('2026-12-05T02:00:00.123456Z')).toBe(true);
    expect(cursorField.instant('2026-12-05T10:00:00+08:00')).toBe(true);
    expect(cursorField.micros(String(Date.now() * 1000))).toBe(true);
    expect(cursorField.month('2026-12')).toBe(true);
    expect(cursorField.text(30)('XK00201000')).toBe(true);
  });

  it('refuses forged values that are well formed but would fail as SQL casts, and other shapes', () => {
    for (const d of ['2026-13-01', '2026-02-30', '2026-00-10', '9999-99-99', '2026-1-1', 20260101]) expect(isCase({ d, i: U })).toBe(false);
    for (const i of ['-'.repeat(36), U.toUpperCase(), `${U}x`, '', null]) expect(isCase({ d: '2026-01-01', i })).toBe(false);
    for (const v of [null, [], 'x', { d: '2026-01-01' }, [['d', '2026-01-01']]]) expect(isCase(v)).toBe(false);
    for (const t of ['2026-02-31T00:00:00Z', '2026-12-05T24:00:00Z', '2026-12-05T10:61:00Z', '2026-12-05', '2026-12-05T10:00:00.1234567Z'])
      expect(cursorField.instant(t)).toBe(false);
    expect(cursorField.micros('99999999999999999999')).toBe(false);
    expect([cursorField.bigint('9223372036854775807'), cursorField.bigint('9223372036854775808')]).toEqual([true, false]);
    expect(cursorField.month('2026-13')).toBe(false);
    expect(cursorField.text(3)('abcd')).toBe(false);
    expect(cursorField.text(30)('a\u0000b')).toBe(false);
  });
});
