import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';
import { answerWithVersion, IDEMPOTENT_REPLAY_STATUS } from '@guangfo/platform';
import { Created } from '../application/created.js';

/** Sends a `Created` view with its status (201 / 202, or 200 for an idempotent replay) and `ETag` when the view has a version. */
@Injectable()
export class CreatedInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = ctx.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((value: unknown) => {
        if (!(value instanceof Created)) return value;
        res.status(value.replayed ? IDEMPOTENT_REPLAY_STATUS : value.status);
        const version = (value.view as { version?: unknown }).version;
        if (typeof version === 'number') answerWithVersion(res, version);
        return value.view as unknown;
      }),
    );
  }
}
