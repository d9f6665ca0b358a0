import type { LoggerService } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { type DestinationStream, type Logger as Pino, pino } from 'pino';
import { Correlation } from './correlation.js';

export interface NodeLogging {
  /** Express middleware: one structured line per request. */
  http: (req: Request, res: Response, next: NextFunction) => void;
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

/** Requests not logged: the liveness probe and the metrics scrape come every few seconds and say nothing. */
const QUIET_URLS = new Set(['/health/live', '/metrics']);

/**
 * One line per request when its response is finished (or the connection closed first): method, URL, correlation id,
 * status and time — never headers or bodies. Written on the node's logger itself: pino-http's child logger per request
 * (bindings serialised for every request, even below the log level) was a tenth of a catalogue page's CPU (issue 11, P1).
 */
const requestLogger =
  (logger: Pino) =>
  (req: Request, res: Response, next: NextFunction): void => {
    if (QUIET_URLS.has(req.url)) return next();
    const started = Date.now();
    const id = (req as { correlationId?: string }).correlationId ?? Correlation.newId();
    const done = (err?: Error): void => {
      res.removeListener('finish', done);
      res.removeListener('close', done);
      res.removeListener('error', done);
      const failed = err !== undefined || res.statusCode >= 500;
      if (!logger.isLevelEnabled(failed ? 'error' : 'info')) return;
      const line = {
        req: { method: req.method, url: req.originalUrl ?? req.url, id },
        res: { statusCode: res.statusCode },
        responseTime: Date.now() - started,
        correlationId: id,
      };
      if (failed) logger.error({ ...line, err: err ?? new Error(`failed with status code ${res.statusCode}`) }, 'request errored');
      else logger.info(line, 'request completed');
    };
    res.on('finish', done);
    res.on('close', done);
    res.on('error', done);
    next();
  };

/**
 * Structured JSON logs; the correlation id follows the request into events and back. Never logs credentials.
 * `destination` defaults to stdout (tests may pass a stream to read what the node logged).
 */
export const createNodeLogging = (cityCode: string, level: string, destination?: DestinationStream): NodeLogging => {
  const logger = pino(
    {
      level,
      // The city comes from the work's scope (request or event) when there is one: the sandbox
      // runs several city nodes in one process, and events are handled outside any request.
      base: { city: cityCode },
      mixin: () => {
        const scope = Correlation.current();
        return scope ? { city: scope.city ?? cityCode, correlationId: scope.correlationId } : {};
      },
      // No log line carries headers; the redaction stays as a second line of defence.
      redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'], censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination ?? pino.destination(1),
  );
  return { http: requestLogger(logger), nest: new PinoNestLogger(logger) };
};
