import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';

/** A case endpoint's answer: its status (201 filed, 200 replay, 202 requested…) and the ETag (= case version). */
export class CaseReply<T> {
  constructor(
    readonly status: number,
    readonly body: T,
    readonly version?: number,
  ) {}
}

/** Applies a CaseReply's status and `ETag: "<version>"`, and sends its body. */
@Injectable()
export class CaseReplyInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = ctx.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((value: unknown) => {
        if (!(value instanceof CaseReply)) return value;
        res.status(value.status);
        if (value.version !== undefined) res.setHeader('ETag', `"${value.version}"`);
        return value.body as unknown;
      }),
    );
  }
}

/** Parses If-Match: `"7"`, `W/"7"` or `7`. Undefined when absent; NaN when unparseable. */
export const parseIfMatch = (header: string | undefined): number | undefined => {
  if (header === undefined || header.trim() === '') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  return m ? Number(m[1]) : Number.NaN;
};
