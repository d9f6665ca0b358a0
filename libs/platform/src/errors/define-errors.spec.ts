import { describe, expect, it } from '@jest/globals';
import { HttpException, NotFoundException } from '@nestjs/common';
import { defineErrors, type ErrorCodeOf } from './define-errors.js';
import { DomainError } from './domain-error.js';
import { PLATFORM_ERRORS } from './platform-errors.js';
import { toProblem } from './problem.filter.js';

const ERRORS = defineErrors({
  THING_NOT_FOUND: { status: 404, zh: '事物不存在', en: 'No such thing' },
  THING_LOCKED: { status: 409, zh: '事物已锁定', en: 'Thing locked' },
});

describe('defineErrors', () => {
  it('lists its codes and describes each from the one map', () => {
    const codes: readonly ErrorCodeOf<typeof ERRORS>[] = ERRORS.codes;
    expect(codes).toEqual(['THING_NOT_FOUND', 'THING_LOCKED']);
    expect(ERRORS.describe('THING_LOCKED')).toEqual({ status: 409, titleZh: '事物已锁定', titleEn: 'Thing locked' });
    expect(ERRORS.has('THING_LOCKED')).toBe(true);
    expect(ERRORS.has('NOPE')).toBe(false);
    // @ts-expect-error an unknown code does not compile
    expect(() => ERRORS.describe('NOPE')).toThrow(/unknown error code NOPE/);
  });

  it('makes DomainErrors from named options, carrying data only', () => {
    const { error } = ERRORS; // usable unbound
    const fieldErrors = [{ field: 'name', rule: 'isString', message: 'name must be a string' }];
    const err = error('THING_LOCKED', { detail: 'locked by li', fieldErrors, extra: { lockedBy: 'li' } });
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'THING_LOCKED', status: 409, message: 'locked by li', fieldErrors, extra: { lockedBy: 'li' } });
    expect(error('THING_NOT_FOUND').message).toBe('No such thing');
  });
});

describe('toProblem', () => {
  it('renders a domain error with its titles, field errors and extra members', () => {
    const p = toProblem(
      ERRORS.error('THING_LOCKED', { detail: 'locked', fieldErrors: [{ field: 'a', rule: 'r', message: 'm' }], extra: { lockedBy: 'li' } }),
      '/api/v1/things/1',
    );
    expect(p).toMatchObject({
      type: 'https://guangfo.gov.cn/problems/thing-locked',
      title: '事物已锁定 / Thing locked',
      status: 409,
      detail: 'locked',
      instance: '/api/v1/things/1',
      code: 'THING_LOCKED',
      titleZh: '事物已锁定',
      titleEn: 'Thing locked',
      errors: [{ field: 'a', rule: 'r', message: 'm' }],
      lockedBy: 'li',
    });
    expect(toProblem(ERRORS.error('THING_NOT_FOUND'))).not.toHaveProperty('errors');
  });

  it('maps body-parser errors, HttpExceptions and anything else to platform codes', () => {
    expect(toProblem(Object.assign(new Error('Unexpected token'), { type: 'entity.parse.failed', status: 400 }))).toMatchObject({
      status: 400,
      code: 'MALFORMED_JSON',
      detail: 'Unexpected token',
    });
    expect(toProblem(new NotFoundException('Cannot GET /api/v1/nope'))).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
    expect(toProblem(new NotFoundException('gone'))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      titleEn: PLATFORM_ERRORS.describe('NOT_FOUND').titleEn,
    });
    expect(toProblem(new HttpException('teapot', 418))).toMatchObject({ status: 418, code: 'VALIDATION_FAILED' });
    expect(toProblem(new HttpException('bad gateway', 502))).toMatchObject({ status: 502, code: 'INTERNAL' });
    expect(toProblem(new Error('secret stack detail'))).toMatchObject({
      status: 500,
      code: 'INTERNAL',
      detail: 'An unexpected error occurred. Quote the correlation id when reporting it.',
    });
  });
});
