import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { DomainError } from './domain-error.js';
import type { FieldError } from './problem.js';
import { platformError } from './platform-errors.js';

/** class-validator errors as field errors with dotted paths (`materials.0.hash`), one per failed constraint. */
export const validationFieldErrors = (errors: ValidationError[], prefix = ''): FieldError[] =>
  errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) => ({ field, rule, message }));
    return [...own, ...validationFieldErrors(e.children ?? [], field)];
  });

const validationFailed = (fieldErrors: FieldError[]): DomainError =>
  platformError('VALIDATION_FAILED', { detail: 'One or more fields are invalid.', fieldErrors });

/**
 * class-validator pipe (whitelist, no unknown fields, transform) whose failures become the error
 * `onInvalid` makes of the field errors: VALIDATION_FAILED unless a domain names its own code.
 */
export const createValidationPipe = (onInvalid: (fieldErrors: FieldError[]) => DomainError = validationFailed): ValidationPipe =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => onInvalid(validationFieldErrors(errors)),
  });
