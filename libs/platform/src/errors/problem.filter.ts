import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Correlation } from '../observability/correlation.js';
import { DomainError } from './domain-error.js';
import { describePlatformError, type PlatformErrorCode } from './platform-errors.js';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, problemTypeUri } from './problem.js';

const codeForHttpStatus = (status: number, isRouteMiss: boolean): PlatformErrorCode => {
  if (status === 404) return isRouteMiss ? 'ROUTE_NOT_FOUND' : 'NOT_FOUND';
  switch (status) {
    case 400: return 'VALIDATION_FAILED';
    case 401: return 'UNAUTHENTICATED';
    case 403: return 'FORBIDDEN_ROLE';
    case 405: return 'METHOD_NOT_ALLOWED';
    case 409: return 'CONFLICT';
    case 412: return 'PRECONDITION_FAILED';
    case 413: return 'PAYLOAD_TOO_LARGE';
    case 415: return 'UNSUPPORTED_MEDIA_TYPE';
    case 428: return 'PRECONDITION_REQUIRED';
    case 429: return 'TOO_MANY_REQUESTS';
    case 503: return 'SERVICE_UNAVAILABLE';
    default: return status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED';
  }
};

/** body-parser errors carry `type` and `status`; they are the caller's fault, never a 500. */
const bodyParserCode = (err: unknown): PlatformErrorCode | undefined => {
  const type = (err as { type?: unknown } | null)?.type;
  switch (type) {
    case 'entity.parse.failed': return 'MALFORMED_JSON';
    case 'entity.too.large': return 'PAYLOAD_TOO_LARGE';
    case 'encoding.unsupported':
    case 'charset.unsupported': return 'UNSUPPORTED_MEDIA_TYPE';
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return 'VALIDATION_FAILED';
    default: return undefined;
  }
};

export const toProblem = (err: unknown, instance?: string): ProblemDetails => {
  let code: string;
  let desc: { status: number; titleZh: string; titleEn: string };
  let detail: string | undefined;
  let errors: ProblemDetails['errors'];
  let extra: Record<string, unknown> | undefined;
  const parserCode = bodyParserCode(err);
  if (err instanceof DomainError) {
    code = err.code;
    desc = err.descriptor;
    detail = err.message;
    errors = err.fieldErrors;
    extra = err.extra;
  } else if (parserCode) {
    code = parserCode;
    desc = describePlatformError(parserCode);
    detail = (err as Error).message;
  } else if (err instanceof HttpException) {
    const status = err.getStatus();
    const message = err.message;
    const routeMiss = status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/.test(message);
    const platformCode = codeForHttpStatus(status, routeMiss);
    code = platformCode;
    desc = { ...describePlatformError(platformCode), status };
    detail = message;
  } else {
    code = 'INTERNAL';
    desc = describePlatformError('INTERNAL');
    detail = 'An unexpected error occurred. Quote the correlation id when reporting it.';
  }
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

/** Renders every failure as RFC 9457 problem+json. Registered globally by the city node. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const problem = toProblem(exception, req.originalUrl?.split('?')[0]);
    if (problem.status >= 500) this.logger.error({ err: exception, code: problem.code }, 'request failed');
    if (res.headersSent) return;
    res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}
