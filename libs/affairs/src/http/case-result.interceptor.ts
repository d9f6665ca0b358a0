import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { answerWithVersion, IDEMPOTENT_REPLAY_STATUS, PREFERENCE_APPLIED } from '@guangfo/platform';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';
import { type CaseOutcome, CaseResult } from '../application/case-result.js';

/** The status of each outcome: 201 filed, 200 replay of a filing, 200 done, 202 requested (a withdrawal awaiting the other city). */
const STATUS: Record<CaseOutcome, number> = { created: 201, replayed: IDEMPOTENT_REPLAY_STATUS, done: 200, accepted: 202 };

/**
 * Applies a CaseResult's status and `ETag: "<version>"`, and sends its view. A result without a view
 * (the client sent `Prefer: return=minimal`) is 204 with `Preference-Applied: return=minimal`.
 * The ETag is the case version (the platform's `answerWithVersion`: a rating, a claim, a note or the
 * deadline marks change the view without a new version, so a case is never answered 304).
 */
@Injectable()
export class CaseResultInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = ctx.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((value: unknown) => {
        if (!(value instanceof CaseResult)) return value;
        if (value.version !== undefined) answerWithVersion(res, value.version);
        if (value.view === undefined) {
          res.status(204).setHeader(PREFERENCE_APPLIED, 'return=minimal');
          return undefined;
        }
        res.status(STATUS[value.outcome]);
        return value.view as unknown;
      }),
    );
  }
}
