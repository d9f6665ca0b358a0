import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface CorrelationScope {
  correlationId: string;
  /** The event that caused the current work, when handling an event. */
  causationId?: string;
  traceparent?: string;
  /** The city node doing the work (the sandbox runs several in one process). */
  city?: string;
}

const storage = new AsyncLocalStorage<CorrelationScope>();

/** Carries the correlation id from an HTTP request into events, and from events into their effects. */
export const Correlation = {
  run<T>(scope: CorrelationScope, fn: () => T): T {
    return storage.run(scope, fn);
  },
  current(): CorrelationScope | undefined {
    return storage.getStore();
  },
  id(): string | undefined {
    return storage.getStore()?.correlationId;
  },
  newId(): string {
    return randomUUID();
  },
};

export const CORRELATION_HEADER = 'x-correlation-id';
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts a caller's correlation id only when it is a safe token; otherwise mints one. */
export const correlationIdFrom = (header: string | string[] | undefined): string => {
  const v = Array.isArray(header) ? header[0] : header;
  return v !== undefined && SAFE_ID.test(v) ? v : randomUUID();
};
