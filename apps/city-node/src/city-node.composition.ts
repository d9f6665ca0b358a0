import type { DynamicModule } from '@nestjs/common';
import { AffairsFollowUp1796169600000, AffairsInit1764547200000, AffairsModule, affairsSealingMigration } from '@guangfo/affairs';
import { CatalogueModule, CatalogueService, WORKING_DAY_CALENDAR, type WorkingDayCalendar } from '@guangfo/catalogue';
import { CredentialsInit1764374400000, CredentialsModule, credentialsSealingMigration, IssuingAuthorities1764806460000, loadCredentialsConfig } from '@guangfo/credentials';
import {
  ApiKeyIssuingBody1764806400000, type CityNodeAppOptions, type CityRegistry, type CityTransport, type DemoIdentity, ITEM_CODES, type ItemCodes, NODE_IDENTITY, type NodeConfig,
  PartnerCaseGrants1796256000000, PeerCalendar1764892800000, PlatformInit1764201600000, platformSealingMigration, type ResealKeys, WebhooksFiles1764288000000,
} from '@guangfo/platform';

type Migration = new () => unknown;

/** One domain of a city node: its module and its own schema's migrations. Add a domain with one entry. */
export interface DomainEntry {
  name: string;
  module: (config: NodeConfig) => DynamicModule;
  migrations: Migration[];
  /** Migrations that need the node's keys (re-sealing data at rest with the sealing keyring). */
  keyedMigrations?: (keys: ResealKeys) => Migration[];
}

/** The domains of the default deployable (every domain in one process). */
export const DOMAINS: DomainEntry[] = [
  { name: 'catalogue', module: (config) => CatalogueModule.forRoot({ seedDir: config.catalogueDir, calendarDir: config.calendarDir }), migrations: [] },
  { name: 'affairs', module: () => AffairsModule.forRoot(), migrations: [AffairsInit1764547200000, AffairsFollowUp1796169600000], keyedMigrations: (k) => [affairsSealingMigration(k)] },
  { name: 'credentials', module: () => CredentialsModule.forRoot(), migrations: [CredentialsInit1764374400000, IssuingAuthorities1764806460000], keyedMigrations: (k) => [credentialsSealingMigration(k)] },
];

/** The keys the re-sealing migrations need: the node's keyring and what the old schemes derived from. */
export const resealKeysOf = (config: NodeConfig, env: NodeJS.ProcessEnv = process.env): ResealKeys => {
  const legacyCredentialKek = loadCredentialsConfig(env).keyEncryptionKey;
  return { cityCode: config.cityCode, signingKey: config.signingKey, sealingKeys: config.sealingKeys, ...(legacyCredentialKek ? { legacyCredentialKek } : {}) };
};

/** Every migration of every domain, in one list (each domain owns its schema; TypeORM orders them by timestamp). */
export const allMigrations = (keys: ResealKeys): Migration[] => [
  PlatformInit1764201600000,
  WebhooksFiles1764288000000,
  platformSealingMigration(keys),
  ApiKeyIssuingBody1764806400000,
  PartnerCaseGrants1796256000000,
  PeerCalendar1764892800000,
  ...DOMAINS.flatMap((d) => [...d.migrations, ...(d.keyedMigrations?.(keys) ?? [])]),
];

/** The composition root of a city node running every domain in one process. */
export const composeCityNode = (config: NodeConfig, registry: CityRegistry, transport: CityTransport, demo?: DemoIdentity): CityNodeAppOptions => {
  const modules = DOMAINS.map((d) => d.module(config));
  return {
    config,
    registry,
    transport,
    demo,
    migrations: allMigrations(resealKeysOf(config)),
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
    itemCodes: {
      provide: ITEM_CODES,
      inject: [CatalogueService],
      useFactory: (c: CatalogueService): ItemCodes => ({
        baseCodeOf: (code) => {
          try {
            return c.getItem(code).code;
          } catch {
            return undefined;
          }
        },
      }),
    },
    domains: modules,
  };
};
