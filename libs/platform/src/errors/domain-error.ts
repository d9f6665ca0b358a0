import type { FieldError } from './problem.js';

export interface ErrorDescriptor {
  readonly status: number;
  readonly titleZh: string;
  readonly titleEn: string;
}

/**
 * An expected failure with a stable code. Each domain declares its codes and maps them to
 * HTTP in one exhaustive switch; the problem filter renders them as problem+json.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly descriptor: ErrorDescriptor,
    detail?: string,
    readonly fieldErrors?: FieldError[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(detail ?? descriptor.titleEn);
    this.name = 'DomainError';
  }
}
