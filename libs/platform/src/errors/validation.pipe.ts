import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldError } from './problem.js';
import { platformError } from './platform-errors.js';

const flatten = (errors: ValidationError[], prefix = ''): FieldError[] =>
  errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) => ({ field, rule, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });

/** class-validator pipe whose failures become VALIDATION_FAILED problems with field errors. */
export const createValidationPipe = (): ValidationPipe =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => platformError('VALIDATION_FAILED', { detail: 'One or more fields are invalid.', fieldErrors: flatten(errors) }),
  });
