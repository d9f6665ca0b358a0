import type { DynamicModule } from '@nestjs/common';
import { AffairsInit1764547200000, AffairsModule } from '@guangfo/affairs';
import { CatalogueModule, CatalogueService, WORKING_DAY_CALENDAR, type WorkingDayCalendar } from '@guangfo/catalogue';
import { CredentialsInit1764374400000, CredentialsModule } from '@guangfo/credentials';
import { type CityNodeAppOptions, type CityRegistry, type CityTransport, type DemoIdentity, NODE_IDENTITY, type NodeConfig, PeerCalendar1764892800000, PlatformInit1764201600000, WebhooksFiles1764288000000 } from '@guangfo/platform';

type Migration = new () => unknown;

/** One domain of a city node: its module and its own schema's migrations. Add a domain with one entry. */
export interface DomainEntry {
  name: string;
  module: (config: NodeConfig) => DynamicModule;
  migrations: Migration[];
}

/** The domains of the default deployable (every domain in one process). */
export const DOMAINS: DomainEntry[] = [
  { name: 'catalogue', module: (config) => CatalogueModule.forRoot({ seedDir: config.catalogueDir, calendarDir: config.calendarDir }), migrations: [] },
  { name: 'affairs', module: () => AffairsModule.forRoot(), migrations: [AffairsInit1764547200000] },
  { name: 'credentials', module: () => CredentialsModule.forRoot(), migrations: [CredentialsInit1764374400000] },
];

/** Every migration of every domain, in one list (each domain owns its schema). */
export const ALL_MIGRATIONS: Migration[] = [PlatformInit1764201600000, WebhooksFiles1764288000000, PeerCalendar1764892800000, ...DOMAINS.flatMap((d) => d.migrations)];

/** The composition root of a city node running every domain in one process. */
export const composeCityNode = (config: NodeConfig, registry: CityRegistry, transport: CityTransport, demo?: DemoIdentity): CityNodeAppOptions => {
  const modules = DOMAINS.map((d) => d.module(config));
  return {
    config,
    registry,
    transport,
    demo,
    migrations: ALL_MIGRATIONS,
    identity: {
      provider: {
        provide: NODE_IDENTITY,
        inject: [CatalogueService, WORKING_DAY_CALENDAR],
        useFactory: (c: CatalogueService, calendar: WorkingDayCalendar) => ({
          catalogue: () => {
            const v = c.version();
            return { version: v.version, hash: v.hash };
          },
          calendar: () => calendar.identity(),
          domains: ['platform', ...DOMAINS.map((d) => d.name)],
        }),
      },
    },
    domains: modules,
  };
};
