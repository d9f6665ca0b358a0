import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Correlation } from '../observability/correlation.js';
import { DomainError, type ErrorDescriptor } from './domain-error.js';
import { PLATFORM_CODE_FOR_STATUS, PLATFORM_ERRORS, type PlatformErrorCode } from './platform-errors.js';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, problemTypeUri } from './problem.js';

/** The code of an HttpException raised without one (Nest's own: route misses, pipes, guards). */
const codeForHttpStatus = (status: number, isRouteMiss: boolean): PlatformErrorCode => {
  if (status === 404) return isRouteMiss ? 'ROUTE_NOT_FOUND' : 'NOT_FOUND';
  return PLATFORM_CODE_FOR_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED');
};

/** body-parser errors carry `type` and `status`; they are the caller's fault, never a 500. */
const BODY_PARSER_CODES: Readonly<Record<string, PlatformErrorCode>> = {
  'entity.parse.failed': 'MALFORMED_JSON',
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'encoding.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'charset.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'request.aborted': 'VALIDATION_FAILED',
  'request.size.invalid': 'VALIDATION_FAILED',
  'stream.encoding.set': 'VALIDATION_FAILED',
};

const bodyParserCode = (err: unknown): PlatformErrorCode | undefined => {
  const type = (err as { type?: unknown } | null)?.type;
  return typeof type === 'string' && Object.hasOwn(BODY_PARSER_CODES, type) ? BODY_PARSER_CODES[type] : undefined;
};

/** Any thrown value as the DomainError it stands for: domain errors as they are, the rest by platform code. */
const asDomainError = (err: unknown): DomainError => {
  if (err instanceof DomainError) return err;
  const parserCode = bodyParserCode(err);
  if (parserCode) return PLATFORM_ERRORS.error(parserCode, { detail: (err as Error).message });
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const message = err.message;
    const routeMiss = status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/.test(message);
    const code = codeForHttpStatus(status, routeMiss);
    const descriptor: ErrorDescriptor = { ...PLATFORM_ERRORS.describe(code), status };
    return new DomainError(code, descriptor, { detail: message });
  }
  return PLATFORM_ERRORS.error('INTERNAL', { detail: 'An unexpected error occurred. Quote the correlation id when reporting it.' });
};

/** The one mapping of a failure to RFC 9457 problem details. */
export const toProblem = (err: unknown, instance?: string): ProblemDetails => {
  const { code, descriptor: desc, message: detail, fieldErrors: errors, extra } = asDomainError(err);
  return {
    ...(extra ?? {}),
    type: problemTypeUri(code),
    title: `${desc.titleZh} / ${desc.titleEn}`,
    status: desc.status,
    detail,
    instance,
    code,
    titleZh: desc.titleZh,
    titleEn: desc.titleEn,
    ...(errors ? { errors } : {}),
    correlationId: Correlation.id(),
  };
};

const logger = new Logger('ProblemFilter');

/** Renders a failure as problem+json on the response (unless headers are already out); 5xx are logged. */
export const sendProblem = (err: unknown, req: Request, res: Response): void => {
  const problem = toProblem(err, req.originalUrl?.split('?')[0]);
  if (problem.status >= 500) logger.error({ err, code: problem.code }, 'request failed');
  if (res.headersSent) return;
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
};

/** Renders every failure as RFC 9457 problem+json. Registered globally by the city node. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    sendProblem(exception, ctx.getRequest<Request>(), ctx.getResponse<Response>());
  }
}
