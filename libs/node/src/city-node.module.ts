import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';

/**
 * The root module of one city node: every module of the composition (each built once, so a
 * module imported by several others is one instance), plus the health endpoints.
 */
export const cityNodeModule = (modules: readonly DynamicModule[]): Type<unknown> => {
  @Module({ imports: [...modules, TerminusModule.forRoot({ logger: false })], controllers: [HealthController] })
  class CityNodeModule {}
  return CityNodeModule;
};
