import type { MixedList } from 'typeorm';
import { CatalogueModule, CatalogueService } from '@guangfo/catalogue';
import { type CityNodeAppOptions, type CityRegistry, type CityTransport, type DemoIdentity, NODE_IDENTITY, type NodeConfig, PlatformInit1764201600000 } from '@guangfo/platform';

/** Every migration of every domain, in one list (each domain owns its schema). */
export const ALL_MIGRATIONS: MixedList<string | (new () => unknown)> = [PlatformInit1764201600000];

/** The composition root of a city node running every domain in one process. */
export const composeCityNode = (config: NodeConfig, registry: CityRegistry, transport: CityTransport, demo?: DemoIdentity): CityNodeAppOptions => {
  const catalogue = CatalogueModule.forRoot({ seedDir: config.catalogueDir });
  return {
    config,
    registry,
    transport,
    demo,
    migrations: ALL_MIGRATIONS,
    identity: {
      imports: [catalogue],
      provider: {
        provide: NODE_IDENTITY,
        inject: [CatalogueService],
        useFactory: (c: CatalogueService) => ({
          catalogue: () => {
            const v = c.version();
            return { version: v.version, hash: v.hash };
          },
          domains: ['platform', 'catalogue'],
        }),
      },
    },
    domains: [catalogue],
  };
};
