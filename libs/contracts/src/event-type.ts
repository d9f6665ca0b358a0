import type { z } from 'zod';

/** `gov.guangfo.<domain>.<event>.v<N>` */
export const EVENT_TYPE_PATTERN = /^gov\.guangfo\.[a-z][a-z-]*\.[a-z][a-z-]*\.v(\d+)$/;

/** Who may receive an event: one addressed city, or every city (public data only). */
export type EventAudience = 'addressed' | 'broadcast';

export interface EventContract<T = unknown> {
  /** Full CloudEvents `type`, including the version suffix. */
  readonly type: string;
  readonly audience: EventAudience;
  /** Zod schema of the `data` payload, validated at the consumer's edge. */
  readonly schema: z.ZodType<T>;
  readonly summary: string;
  /** Example payload for the AsyncAPI document. */
  readonly example: T;
}

export const defineEvent = <T>(contract: EventContract<T>): EventContract<T> => {
  if (!EVENT_TYPE_PATTERN.test(contract.type)) {
    throw new Error(`event type "${contract.type}" does not match gov.guangfo.<domain>.<event>.v<N>`);
  }
  return contract;
};

/** The base type without its version: consumers accept N and N-1 of the same base. */
export const baseType = (type: string): string => type.replace(/\.v\d+$/, '');
export const typeVersion = (type: string): number => Number(EVENT_TYPE_PATTERN.exec(type)?.[1] ?? NaN);
