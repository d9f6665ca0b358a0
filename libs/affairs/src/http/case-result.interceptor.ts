import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { IDEMPOTENT_REPLAY_STATUS } from '@guangfo/platform';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';
import { type CaseOutcome, CaseResult } from '../application/case-result.js';

/** The status of each outcome: 201 filed, 200 replay of a filing, 200 done, 202 requested (a withdrawal awaiting the other city). */
const STATUS: Record<CaseOutcome, number> = { created: 201, replayed: IDEMPOTENT_REPLAY_STATUS, done: 200, accepted: 202 };

/** Applies a CaseResult's status and `ETag: "<version>"`, and sends its view. */
@Injectable()
export class CaseResultInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = ctx.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((value: unknown) => {
        if (!(value instanceof CaseResult)) return value;
        res.status(STATUS[value.outcome]);
        if (value.version !== undefined) res.setHeader('ETag', `"${value.version}"`);
        return value.view as unknown;
      }),
    );
  }
}
