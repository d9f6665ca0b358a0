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
  /**
   * Personal data (names, ID numbers, contact data, health data): dot paths into `data`. On the
   * bus these fields travel sealed for the addressed city only (`sealedPersonal`); the handler of
   * the receiving node sees them opened. Only addressed events may declare any.
   */
  readonly personal?: readonly string[];
}

/** The member of `data` that carries an addressed event's sealed personal fields on the bus. */
export const SEALED_PERSONAL_MEMBER = 'sealedPersonal';
const PERSONAL_PATH = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

export const defineEvent = <T>(contract: EventContract<T>): EventContract<T> => {
  if (!EVENT_TYPE_PATTERN.test(contract.type)) {
    throw new Error(`event type "${contract.type}" does not match gov.guangfo.<domain>.<event>.v<N>`);
  }
  if (contract.personal?.length && contract.audience !== 'addressed') {
    throw new Error(`${contract.type}: a broadcast carries no personal data (personal fields are sealed for one addressed city)`);
  }
  for (const path of contract.personal ?? []) {
    if (!PERSONAL_PATH.test(path) || path.split('.')[0] === SEALED_PERSONAL_MEMBER)
      throw new Error(`${contract.type}: personal field "${path}" is not a dot path into data`);
  }
  return contract;
};

/** The base type without its version: consumers accept N and N-1 of the same base. */
export const baseType = (type: string): string => type.replace(/\.v\d+$/, '');
export const typeVersion = (type: string): number => Number(EVENT_TYPE_PATTERN.exec(type)?.[1] ?? NaN);
