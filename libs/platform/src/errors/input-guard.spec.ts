import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { invalidTextFields, isCleanInput, isInvalidText, jsonDepthExceeds } from './input-guard.js';

describe('edge input checks', () => {
  it('refuses NUL, C0 controls other than tab/newline/CR, DEL and lone surrogates; accepts ordinary text', () => {
    for (const bad of ['a\u0000b', '\u0001', 'x\u001F', '\u007F', '\uD800', 'a\uDC00b', '\uDBFFz']) expect(isInvalidText(bad)).toBe(true);
    for (const good of ['李小红', 'line\nnext\r\n\ttab', '😀 emoji', '', 'plain ascii']) expect(isInvalidText(good)).toBe(false);
  });

  it('measures depth without recursion, so 100 000 levels neither overflow nor pass', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(jsonDepthExceeds(deep, 32)).toBe(true);
    expect(jsonDepthExceeds({ a: [{ b: { c: [1, 2] } }] }, 32)).toBe(false);
    expect(jsonDepthExceeds([[[[]]]], 3)).toBe(true);
    expect(jsonDepthExceeds('scalar', 0)).toBe(false);
  });

  it('names every offending field by its dotted path, keys included', () => {
    const fields = invalidTextFields({
      applicant: { name: '王\u0000五' },
      materials: [{ file: { fileName: 'a\uD800.pdf' } }],
      'k\u0000': 1,
      ok: 'fine',
    });
    expect(fields.map((f) => f.field)).toEqual(['applicant.name', 'k?', 'materials.0.file.fileName']);
    expect(fields.every((f) => f.rule === 'validText')).toBe(true);
    expect(invalidTextFields({ hall: ['ok', '\u0000'] }).map((f) => f.field)).toEqual(['hall.1']);
  });

  it('calls a value clean exactly when it is neither too deep nor holds invalid text anywhere (the one-walk fast path)', () => {
    // Strings built from units that include every kind of invalid text: NUL, other controls, DEL, lone high and low surrogates.
    const text = fc.string({
      unit: fc.constantFrom('a', '李', '😀', '\n', '\t', '\u0000', '\u0007', '\u007F', '\uD800', '\uDC00'),
      maxLength: 4,
    });
    const { value } = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', maxDepth: 8 },
        text,
        fc.integer(),
        fc.constant(null),
        fc.boolean(),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(text, tie('value'), { maxKeys: 4 }),
      ),
    }));
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 6 }), (v, limit) => {
        expect(isCleanInput(v, limit)).toBe(!jsonDepthExceeds(v, limit) && invalidTextFields(v).length === 0);
      }),
      { numRuns: 5_000 },
    );
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(isCleanInput(deep, 32)).toBe(false);
  });
});
