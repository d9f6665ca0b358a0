import { SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import type { EventContract } from '@guangfo/contracts';
import type { ReceivedEvent } from './event-handler.registry.js';

/** Metadata key of `@HandlesEvent` (read by `EventHandlerExplorer`). */
export const HANDLES_EVENT = Symbol('guangfo:handles-event');

export interface HandlesEventMetadata {
  readonly consumer: string;
  readonly types: readonly string[];
}

type AnyContract = EventContract<any>;
/** The payload a handler of these contracts receives: the union of their schemas' output. */
export type EventDataOf<C extends AnyContract | readonly AnyContract[]> = C extends readonly AnyContract[]
  ? z.infer<C[number]['schema']>
  : C extends AnyContract
    ? z.infer<C['schema']>
    : never;

/** The signature a `@HandlesEvent` method must accept. */
export type EventHandlerMethod<C extends AnyContract | readonly AnyContract[]> = (
  event: ReceivedEvent<EventDataOf<C>>,
  em: EntityManager,
) => Promise<void>;

/**
 * Declares a provider method as the cross-city handler of one contract (or several, for one
 * consumer): the method receives the event typed by the contract's schema and the inbox
 * transaction's `em`. `EventHandlerExplorer` finds it at module init, in every module, and
 * registers it in the `EventHandlerRegistry` before the transport starts consuming.
 *
 *   @HandlesEvent(CaseEvaluatedV1, { consumer: 'affairs.case-evaluations' })
 *   async onEvaluated(event: ReceivedEvent<CaseEvaluated>, em: EntityManager) { … }
 */
export const HandlesEvent =
  <const C extends AnyContract | readonly AnyContract[]>(contracts: C, options: { consumer: string }) =>
  <M extends EventHandlerMethod<C>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
    const list: readonly AnyContract[] = Array.isArray(contracts) ? contracts : [contracts as AnyContract];
    if (list.length === 0) throw new Error(`@HandlesEvent on ${String(key)}: no contract`);
    SetMetadata<symbol, HandlesEventMetadata>(HANDLES_EVENT, { consumer: options.consumer, types: list.map((c) => c.type) })(
      target,
      key,
      descriptor,
    );
  };
