import type { LoggerService } from '@nestjs/common';
import { type DestinationStream, type Logger as Pino, pino } from 'pino';
import { type HttpLogger, pinoHttp } from 'pino-http';
import { Correlation } from './correlation.js';

export interface NodeLogging {
  /** Express middleware: one structured line per request. */
  http: HttpLogger;
  /** Nest's logger, writing to the same pino instance. */
  nest: LoggerService;
}

type Level = 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal';

/** Nest LoggerService over pino: `(message | object, …params, context)` as Nest calls it. */
class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const rest = [...params];
    // Nest appends the logger's context as the last parameter.
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const log = this.pino[level].bind(this.pino) as (obj: object, msg?: string) => void;
    if (message instanceof Error) {
      log({ context, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const text = typeof rest[0] === 'string' ? (rest.shift() as string) : undefined;
      log({ context, ...(message as object) }, text);
    } else {
      // Nest's error(message, stack, context): keep the stack as a field.
      const stack = level === 'error' && typeof rest[0] === 'string' ? rest.shift() : undefined;
      log({ context, ...(stack ? { stack } : {}) }, String(message));
    }
  }
}

/**
 * Structured JSON logs; the correlation id follows the request into events and back. Never logs credentials.
 * `destination` defaults to stdout (tests may pass a stream to read what the node logged).
 */
export const createNodeLogging = (cityCode: string, level: string, destination?: DestinationStream): NodeLogging => {
  const http = pinoHttp(
    {
      level,
      // The city comes from the work's scope (request or event) when there is one: the sandbox
      // runs several city nodes in one process, and events are handled outside any request.
      base: { city: cityCode },
      mixin: () => {
        const scope = Correlation.current();
        return scope ? { city: scope.city ?? cityCode, correlationId: scope.correlationId } : {};
      },
      genReqId: (req) => (req as { correlationId?: string }).correlationId ?? Correlation.newId(),
      redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'], censor: '[redacted]' },
      autoLogging: { ignore: (req) => req.url === '/health/live' || req.url === '/metrics' },
      // The request line carries method, URL and id; the response its status. No headers at all
      // (the redaction above stays as a second line of defence). The serialisers get the raw
      // objects (wrapSerializers: false): pino's standard ones would first copy every header of
      // the request (once per request, at child-logger creation) and of the response.
      wrapSerializers: false,
      serializers: {
        req: (req: { method: string; originalUrl?: string; url: string; id: string }) => ({
          method: req.method,
          url: req.originalUrl ?? req.url,
          id: req.id,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
  return { http, nest: new PinoNestLogger(http.logger) };
};
