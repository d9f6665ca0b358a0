import { Sealer } from '@guangfo/gm-crypto';
import { AdjustableClock, Clock, SystemClock } from '@guangfo/kernel';
import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { MixedList } from 'typeorm';
import { AuditChainer } from './audit/audit-chainer.js';
import { AuditService } from './audit/audit.service.js';
import { ApiKeyService } from './auth/api-key.service.js';
import { createAccessGuard } from './auth/access.guard.js';
import { createAuthStrategies } from './auth/auth.strategies.js';
import { VerifiedTokens } from './auth/verified-tokens.js';
import { DEMO_IDENTITY } from './auth/auth.tokens.js';
import type { DemoIdentity } from './auth/demo-identity.js';
import { PartnerGrants } from './auth/partner-grants.service.js';
import { SignInController } from './auth/sign-in.controller.js';
import { TokenController } from './auth/token.controller.js';
import { CityRegistry } from './cities/city-registry.js';
import type { NodeConfig } from './config/node-config.js';
import { NODE_CONFIG } from './config/node-config.token.js';
import { buildDataSourceOptions } from './database/data-source.options.js';
import { ProblemFilter } from './errors/problem.filter.js';
import { IpRateLimitGuard, PrincipalRateLimitGuard } from './http/rate-limit.js';
import { HttpInterceptor } from './observability/http.interceptor.js';
import { MetricsController } from './http/metrics.controller.js';
import { MetricsService } from './observability/metrics.service.js';

type Entity = string | (new () => unknown);

export interface PlatformOptions {
  config: NodeConfig;
  registry: CityRegistry;
  migrations: MixedList<Entity>;
  entities?: MixedList<Entity>;
  /** Sandbox only. */
  demo?: DemoIdentity;
  /** The node's time source (`Clock`, for every domain). Default: SystemClock; in the sandbox an AdjustableClock (tests set "now"). */
  clock?: Clock;
}

/**
 * The shared machinery of one city node: config, database, auth (strategies, the access guard,
 * rate limits), errors (the one problem filter), audit, metrics, the clock, the sealing keyring and
 * the city registry. Not global: every module that injects its exports lists this module (one
 * `forNode` result, built once by the composition in @guangfo/node) in its `imports`.
 */
@Module({})
export class PlatformModule {
  static forNode(o: PlatformOptions): DynamicModule {
    const { config } = o;
    const providers: Provider[] = [
      { provide: NODE_CONFIG, useValue: config },
      { provide: Clock, useValue: o.clock ?? (config.sandbox ? new AdjustableClock() : new SystemClock()) },
      { provide: Sealer, useValue: new Sealer(config.sealingKeys) },
      { provide: CityRegistry, useValue: o.registry },
      ...(o.demo ? [{ provide: DEMO_IDENTITY, useValue: o.demo }] : []),
      PartnerGrants,
      ApiKeyService,
      VerifiedTokens,
      AuditService,
      AuditChainer,
      MetricsService,
      ...createAuthStrategies(config.cityCode, config.identity),
      // Global guards run in this order: IP windows, authentication and access, the principal window.
      { provide: APP_GUARD, useClass: IpRateLimitGuard },
      { provide: APP_GUARD, useClass: createAccessGuard(config.cityCode) },
      { provide: APP_GUARD, useClass: PrincipalRateLimitGuard },
      { provide: APP_FILTER, useClass: ProblemFilter },
      { provide: APP_INTERCEPTOR, useClass: HttpInterceptor },
    ];
    return {
      module: PlatformModule,
      imports: [
        TypeOrmModule.forRoot(buildDataSourceOptions(config.databaseUrl, o.migrations, o.entities ?? [])),
        PassportModule,
        JwtModule.register({}),
      ],
      controllers: [TokenController, SignInController, MetricsController],
      providers,
      exports: [NODE_CONFIG, Clock, Sealer, CityRegistry, PartnerGrants, ApiKeyService, AuditService, MetricsService],
    };
  }
}
