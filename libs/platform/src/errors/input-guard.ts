import type { NextFunction, Request, Response } from 'express';
import type { FieldError } from './problem.js';
import { platformError } from './platform-errors.js';

/** Deepest JSON nesting a request body may have. Every DTO of the API is far shallower. */
export const MAX_BODY_DEPTH = 32;
/** At most this many field errors are reported for one request. */
const MAX_REPORTED = 20;

// C0 controls other than TAB, LF and CR, DEL, and UTF-16 surrogates that are not part of a pair.
const INVALID_TEXT =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string holds a NUL, another control character without a meaning in text, or a lone surrogate. */
export const isInvalidText = (s: string): boolean => INVALID_TEXT.test(s);

export const invalidTextError = (field: string): FieldError => ({
  field,
  rule: 'validText',
  message: `${field} contains a NUL, a control character or an unpaired surrogate`,
});

const join = (prefix: string, key: string): string => (prefix ? `${prefix}.${key}` : key);

/** Depth of a parsed JSON value (a scalar is 0), stopping once `limit` is exceeded. Iterative: never overflows the stack. */
export const jsonDepthExceeds = (value: unknown, limit: number): boolean => {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > limit) return true;
    for (const child of Object.values(v as Record<string, unknown>)) stack.push([child, depth + 1]);
  }
  return false;
};

/** Field errors for every string (value or key) with invalid text, dotted paths (`materials.0.name`). Iterative. */
export const invalidTextFields = (value: unknown, root = ''): FieldError[] => {
  const out: FieldError[] = [];
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0 && out.length < MAX_REPORTED) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (isInvalidText(v)) out.push(invalidTextError(path || 'body'));
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        if (isInvalidText(k)) out.push(invalidTextError(join(path, k.replace(INVALID_TEXT, '?'))));
        else stack.push([child, join(path, k)]);
      }
    }
  }
  return out.sort((a, b) => a.field.localeCompare(b.field));
};

/**
 * True when a parsed JSON value (or query object) is no deeper than `limit` and holds no invalid text in any string, value or
 * key: `!jsonDepthExceeds(value, limit) && invalidTextFields(value).length === 0`, in one walk that builds no paths. Nearly
 * every request is clean, and on a large body (a batch of events between the cities) the path of every field was most of
 * the guard's cost; the paths are built only for a body that is not clean, to report it.
 */
export const isCleanInput = (value: unknown, limit: number): boolean => {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (typeof v === 'string') {
      if (INVALID_TEXT.test(v)) return false;
    } else if (typeof v === 'object' && v !== null) {
      if (depth + 1 > limit) return false;
      if (Array.isArray(v)) {
        for (const child of v) {
          values.push(child);
          depths.push(depth + 1);
        }
      } else {
        for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
          if (INVALID_TEXT.test(k)) return false;
          values.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return true;
};

/**
 * The edge check on every request, after body parsing and before routing, pipes or class-transformer:
 * bodies no deeper than MAX_BODY_DEPTH, and no invalid text in the body, the query string or the path.
 * Path parameters are reported by name again by the validation pipe; here the raw path is checked
 * so that no route (whatever its pipes) sees a NUL.
 */
export const inputGuardMiddleware =
  () =>
  (req: Request, _res: Response, next: NextFunction): void => {
    const body: unknown = req.body;
    // The clean case in one walk each; anything else is looked at again to say what is wrong and where.
    const bodyClean = isCleanInput(body, MAX_BODY_DEPTH);
    if (!bodyClean && jsonDepthExceeds(body, MAX_BODY_DEPTH)) {
      return next(platformError('BODY_TOO_DEEP', { detail: `The JSON body is nested deeper than ${MAX_BODY_DEPTH} levels.` }));
    }
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      return next(
        platformError('VALIDATION_FAILED', {
          detail: 'The path is not valid percent-encoded UTF-8.',
          fieldErrors: [{ field: 'path', rule: 'validText', message: 'path is not valid percent-encoding' }],
        }),
      );
    }
    if (bodyClean && !isInvalidText(path) && isCleanInput(req.query, MAX_BODY_DEPTH)) return next();
    const errors: FieldError[] = [];
    if (isInvalidText(path)) errors.push(invalidTextError('path'));
    errors.push(...invalidTextFields(req.query), ...invalidTextFields(body));
    if (errors.length > 0)
      return next(
        platformError('VALIDATION_FAILED', {
          detail: 'Text fields may not contain NUL, control characters or unpaired surrogates.',
          fieldErrors: errors,
        }),
      );
    next();
  };
