import type { Params } from 'nestjs-pino';
import { Correlation } from './correlation.js';

/** Structured JSON logs; the correlation id follows the request into events and back. Never logs credentials. */
export const loggerParams = (cityCode: string, level: string): Params => ({
  pinoHttp: {
    level,
    base: { city: cityCode },
    mixin: () => {
      const id = Correlation.id();
      return id ? { correlationId: id } : {};
    },
    genReqId: (req) => (req as { correlationId?: string }).correlationId ?? Correlation.newId(),
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'], censor: '[redacted]' },
    autoLogging: { ignore: (req) => req.url === '/health/live' || req.url === '/metrics' },
    serializers: { req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: req.url, id: req.id }) },
  },
});
