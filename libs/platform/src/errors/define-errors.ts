import { DomainError, type ErrorDescriptor, type ErrorOptions } from './domain-error.js';

/** One code's meaning: HTTP status, Chinese and English title. */
export interface ErrorSpec {
  readonly status: number;
  readonly zh: string;
  readonly en: string;
}

/** A domain's error codes, made by `defineErrors`. */
export interface DefinedErrors<C extends string> {
  /** Every code, in declaration order. */
  readonly codes: readonly C[];
  /** True when `code` is one of these codes. */
  has(code: string): code is C;
  /** Status and titles of a code. */
  describe(code: C): ErrorDescriptor;
  /** The error to throw: `error('CASE_NOT_FOUND', { detail, fieldErrors, extra })`. */
  error(code: C, options?: ErrorOptions): DomainError;
}

/** The code union of a `defineErrors` result: `type AffairsErrorCode = ErrorCodeOf<typeof AFFAIRS_ERRORS>`. */
export type ErrorCodeOf<E> = E extends DefinedErrors<infer C> ? C : never;

/**
 * A domain declares its codes once, as data: `defineErrors({ CASE_NOT_FOUND: { status: 404, zh: '办件不存在', en: 'No such case' } })`.
 * The result is typed by the map (an unknown code does not compile) and its functions need no `this`
 * (`export const affairsError = AFFAIRS_ERRORS.error`).
 */
export const defineErrors = <const M extends Record<string, ErrorSpec>>(specs: M): DefinedErrors<Extract<keyof M, string>> => {
  type C = Extract<keyof M, string>;
  const descriptors = new Map<string, ErrorDescriptor>(
    Object.entries(specs).map(([code, s]) => [code, Object.freeze({ status: s.status, titleZh: s.zh, titleEn: s.en })]),
  );
  const describe = (code: C): ErrorDescriptor => {
    const d = descriptors.get(code);
    if (!d) throw new Error(`unknown error code ${code}`);
    return d;
  };
  return Object.freeze({
    codes: Object.freeze([...descriptors.keys()] as C[]),
    has: (code: string): code is C => descriptors.has(code),
    describe,
    error: (code: C, options?: ErrorOptions): DomainError => new DomainError(code, describe(code), options),
  });
};
