import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { type Observable, tap } from 'rxjs';
import { MetricsService } from './metrics.service.js';

/**
 * Request count and latency per route. (Writes are audited by the services that make them, inside
 * the same transaction as the change — not here, where a record could outlive a rolled-back change.)
 */
@Injectable()
export class HttpInterceptor implements NestInterceptor {
  constructor(private readonly metrics: MetricsService) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<Request & { route?: { path?: string } }>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const started = process.hrtime.bigint();
    const route = req.route?.path ?? 'unknown';
    const finish = (status: number) => {
      this.metrics.httpRequests.inc({ method: req.method, route, status: String(status) });
      this.metrics.httpDuration.observe({ method: req.method, route }, Number(process.hrtime.bigint() - started) / 1e9);
    };
    return next.handle().pipe(
      tap({
        next: () => finish(res.statusCode),
        error: (err: { getStatus?: () => number; descriptor?: { status: number } }) =>
          finish(err.descriptor?.status ?? err.getStatus?.() ?? 500),
      }),
    );
  }
}
