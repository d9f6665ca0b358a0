import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { type Observable, tap } from 'rxjs';
import { AuditService } from '../audit/audit.service.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { MetricsService } from './metrics.service.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Request metrics for every route, and an audit record for every write that reaches a handler. */
@Injectable()
export class HttpInterceptor implements NestInterceptor {
  constructor(
    private readonly metrics: MetricsService,
    private readonly audit: AuditService,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<Request & { user?: Principal; route?: { path?: string } }>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const started = process.hrtime.bigint();
    const route = req.route?.path ?? 'unknown';
    const finish = (status: number) => {
      this.metrics.httpRequests.inc({ method: req.method, route, status: String(status) });
      this.metrics.httpDuration.observe({ method: req.method, route }, Number(process.hrtime.bigint() - started) / 1e9);
      if (WRITE_METHODS.has(req.method) && req.user) {
        void this.audit
          .record({ actor: actorOf(req.user), action: `http.${req.method.toLowerCase()}`, resource: route, outcome: status < 400 ? 'success' : 'failed', detail: { status } })
          .catch(() => undefined);
      }
    };
    return next.handle().pipe(
      tap({
        next: () => finish(res.statusCode),
        error: (err: { getStatus?: () => number; descriptor?: { status: number } }) => finish(err.descriptor?.status ?? err.getStatus?.() ?? 500),
      }),
    );
  }
}
