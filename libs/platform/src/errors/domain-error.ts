import type { FieldError } from './problem.js';

/** What a code means to a caller: its HTTP status and bilingual titles (data, never an HTTP object). */
export interface ErrorDescriptor {
  readonly status: number;
  readonly titleZh: string;
  readonly titleEn: string;
}

/** The optional parts of one error, by name: `{ detail, fieldErrors, extra }`. */
export interface ErrorOptions {
  /** Human-readable detail (the problem's `detail`; the descriptor's English title when absent). */
  readonly detail?: string;
  /** Offending fields (the problem's `errors`). */
  readonly fieldErrors?: FieldError[];
  /** Extra members of the problem JSON, e.g. `{ retryAfterSeconds: 30 }`. */
  readonly extra?: Record<string, unknown>;
}

/**
 * An expected failure with a stable code: the code, its descriptor and the error's options, nothing
 * else. Made by a domain's `defineErrors(...).error(code, options)`; the ProblemFilter renders it as
 * problem+json.
 */
export class DomainError extends Error {
  readonly fieldErrors?: FieldError[];
  readonly extra?: Record<string, unknown>;

  constructor(
    readonly code: string,
    readonly descriptor: ErrorDescriptor,
    options: ErrorOptions = {},
  ) {
    super(options.detail ?? descriptor.titleEn);
    this.name = 'DomainError';
    this.fieldErrors = options.fieldErrors;
    this.extra = options.extra;
  }

  /** The HTTP status of the code (from the descriptor). */
  get status(): number {
    return this.descriptor.status;
  }
}
