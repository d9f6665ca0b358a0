import { AdjustableClock, Clock, SystemClock } from '@guangfo/kernel';
import { Sealer } from '@guangfo/gm-crypto';
import { type DynamicModule, Global, type ModuleMetadata, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { MixedList } from 'typeorm';
import { AuditChainer } from '../audit/audit-chainer.js';
import { AuditService } from '../audit/audit.service.js';
import { createAccessGuard } from '../auth/access.guard.js';
import { createAuthStrategies } from '../auth/auth.strategies.js';
import { DEMO_IDENTITY } from '../auth/auth.tokens.js';
import type { DemoIdentity } from '../auth/demo-identity.js';
import { TokenController } from '../auth/token.controller.js';
import { AnnouncementService } from '../federation/announcement.service.js';
import { CitiesController } from '../federation/cities.controller.js';
import { CitiesService } from '../federation/cities.service.js';
import { CityRegistry } from '../cities/city-registry.js';
import { NODE_IDENTITY } from '../cities/node-identity.js';
import type { NodeConfig } from '../config/node-config.js';
import { NODE_CONFIG } from '../config/node-config.token.js';
import { buildDataSourceOptions } from '../database/data-source.options.js';
import { ProblemFilter } from '../errors/problem.filter.js';
import { DeadLetterController } from '../messaging/dead-letter.controller.js';
import { DeadLetterService } from '../messaging/dead-letter.service.js';
import { EventHandlerExplorer } from '../messaging/event-handler.explorer.js';
import { EventHandlerRegistry } from '../messaging/event-handler.registry.js';
import { EventReceiver } from '../messaging/event-receiver.js';
import { EventSigner } from '../messaging/event-signer.js';
import { OutboxRelay } from '../messaging/outbox.relay.js';
import { OutboxService } from '../messaging/outbox.service.js';
import { TransportLifecycle } from '../messaging/transport.lifecycle.js';
import { CITY_TRANSPORT, type CityTransport } from '../messaging/transports/city-transport.js';
import { createKafkaConsumerController } from '../messaging/transports/kafka-consumer.controller.js';
import { KafkaTransport } from '../messaging/transports/kafka.transport.js';
import { HealthController } from './health.controller.js';
import { HttpInterceptor } from '../observability/http.interceptor.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from '../observability/metrics.service.js';
import { PartnerGrants } from '../auth/partner-grants.service.js';
import { ApiKeyService } from '../auth/api-key.service.js';
import { ITEM_CODES } from '../cities/item-codes.js';
import { FILE_CONTROLLERS, FILE_EXPORTS, FILE_PROVIDERS } from '../files/files.providers.js';
import { IpRateLimitGuard, PrincipalRateLimitGuard } from './rate-limit.js';
import { WEBHOOK_CONTROLLERS, WEBHOOK_EXPORTS, WEBHOOK_PROVIDERS } from '../webhooks/webhooks.providers.js';

type Entity = string | (new () => unknown);

export interface PlatformOptions {
  config: NodeConfig;
  registry: CityRegistry;
  transport: CityTransport;
  migrations: MixedList<Entity>;
  entities?: MixedList<Entity>;
  /** Provides NODE_IDENTITY (catalogue version etc.), with the imports it needs. */
  identity: { provider: Provider; imports?: ModuleMetadata['imports'] };
  /** Provides ITEM_CODES (the catalogue's item codes, for checking partner-given codes). */
  itemCodes: Provider;
  /** Sandbox only. */
  demo?: DemoIdentity;
  /** The node's time source (`Clock`, for every domain). Default: SystemClock; in the sandbox an AdjustableClock (tests set "now"). */
  clock?: Clock;
}

/**
 * The shared machinery of one city node: config, database, messaging (outbox, relay,
 * receiver, dead letters, transport), auth, errors, audit, observability and the city registry.
 * Global, so domain modules inject OutboxService, AuditService, EventHandlerRegistry, Clock… directly.
 */
@Global()
export class PlatformModule {
  static forNode(o: PlatformOptions): DynamicModule {
    const { config } = o;
    const controllers: DynamicModule['controllers'] = [TokenController, CitiesController, DeadLetterController, HealthController, MetricsController];
    controllers.push(...WEBHOOK_CONTROLLERS, ...FILE_CONTROLLERS);
    if (o.transport instanceof KafkaTransport) controllers.push(createKafkaConsumerController(o.transport.inboundTopics()));
    const providers: Provider[] = [
      { provide: NODE_CONFIG, useValue: config },
      { provide: Clock, useValue: o.clock ?? (config.sandbox ? new AdjustableClock() : new SystemClock()) },
      { provide: Sealer, useValue: new Sealer(config.sealingKeys) },
      { provide: CityRegistry, useValue: o.registry },
      { provide: CITY_TRANSPORT, useValue: o.transport },
      ...(o.demo ? [{ provide: DEMO_IDENTITY, useValue: o.demo }] : []),
      o.identity.provider,
      o.itemCodes,
      PartnerGrants,
      ApiKeyService,
      AuditService,
      AuditChainer,
      MetricsService,
      EventSigner,
      EventHandlerRegistry,
      EventHandlerExplorer,
      OutboxService,
      OutboxRelay,
      EventReceiver,
      TransportLifecycle,
      DeadLetterService,
      AnnouncementService,
      CitiesService,
      ...WEBHOOK_PROVIDERS,
      ...FILE_PROVIDERS,
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
        DiscoveryModule,
        PassportModule,
        JwtModule.register({}),
        TerminusModule.forRoot({ logger: false }),
        ...(o.identity.imports ?? []),
      ],
      controllers,
      providers,
      exports: [NODE_CONFIG, Clock, Sealer, CityRegistry, CITY_TRANSPORT, PartnerGrants, ApiKeyService, ITEM_CODES, AuditService, MetricsService, EventHandlerRegistry, OutboxService, EventSigner, NODE_IDENTITY, ...WEBHOOK_EXPORTS, ...FILE_EXPORTS],
    };
  }
}
