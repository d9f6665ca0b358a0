import type { Params } from 'nestjs-pino';
import { Correlation } from './correlation.js';

/** Structured JSON logs; the correlation id follows the request into events and back. Never logs credentials. */
export const loggerParams = (cityCode: string, level: string): Params => ({
  pinoHttp: {
    level,
    // nestjs-pino keeps one root logger per process, so the city comes from the work's scope
    // (request or event), not from `base`: the sandbox runs several city nodes in one process.
    mixin: () => {
      const scope = Correlation.current();
      return scope ? { city: scope.city ?? cityCode, correlationId: scope.correlationId } : {};
    },
    genReqId: (req) => (req as { correlationId?: string }).correlationId ?? Correlation.newId(),
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'], censor: '[redacted]' },
    autoLogging: { ignore: (req) => req.url === '/health/live' || req.url === '/metrics' },
    serializers: { req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: req.url, id: req.id }) },
  },
});
