import type { NextFunction, Request, Response } from 'express';
import { Correlation, CORRELATION_HEADER, correlationIdFrom } from './correlation.js';

/** First middleware of every request: adopt or mint the correlation id, echo it, scope the request. */
export const correlationMiddleware =
  (city: string) =>
  (req: Request, res: Response, next: NextFunction): void => {
    const correlationId = correlationIdFrom(req.headers[CORRELATION_HEADER]);
    (req as Request & { correlationId: string }).correlationId = correlationId;
    res.setHeader(CORRELATION_HEADER, correlationId);
    Correlation.run(
      { city, correlationId, traceparent: typeof req.headers.traceparent === 'string' ? req.headers.traceparent : undefined },
      next,
    );
  };
