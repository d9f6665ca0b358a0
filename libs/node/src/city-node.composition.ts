import type { DynamicModule } from '@nestjs/common';
import { AffairsFollowUp1796169600000, AffairsIdempotency1796342400001, AffairsInit1764547200000, AffairsModule, affairsSealingMigration } from '@guangfo/affairs';
import { CatalogueModule, CatalogueService, WORKING_DAY_CALENDAR, type WorkingDayCalendar } from '@guangfo/catalogue';
import { CredentialsIdempotency1796342400002, CredentialsInit1764374400000, CredentialsModule, credentialsSealingMigration, IssuingAuthorities1764806460000, loadCredentialsConfig } from '@guangfo/credentials';
import {
  ApiKeyIssuingBody1764806400000, AuditBackgroundChain1796428800000, type CityNodeAppOptions, IdempotencyKeys1796342400000, type CityRegistry, type CityTransport, type DemoIdentity, ITEM_CODES, type ItemCodes, NODE_IDENTITY, type NodeConfig,
  PartnerCaseGrants1796256000000, PeerCalendar1764892800000, PlatformInit1764201600000, platformSealingMigration, type ResealKeys, WebhooksFiles1764288000000,
  WorkerLeases1796342400000,
} from '@guangfo/platform';

type Migration = new () => unknown;

/** One domain of a city node: its module and its own schema's migrations. Add a domain with one entry. */
export interface DomainEntry {
  name: string;
  /** The domains whose modules this one imports (their published exports), by name. */
  uses?: string[];
  /** The domain's module; `uses` holds the modules of the domains named in `uses`, in that order. */
  module: (config: NodeConfig, uses: DynamicModule[]) => DynamicModule;
  migrations: Migration[];
  /** Migrations that need the node's keys (re-sealing data at rest with the sealing keyring). */
  keyedMigrations?: (keys: ResealKeys) => Migration[];
}

/** The domains of the default deployable (every domain in one process). */
export const DOMAINS: DomainEntry[] = [
  { name: 'catalogue', module: (config) => CatalogueModule.forRoot({ seedDir: config.catalogueDir, calendarDir: config.calendarDir }), migrations: [] },
  {
    name: 'affairs',
    uses: ['catalogue', 'credentials'],
    module: (_config, uses) => AffairsModule.forRoot({ imports: uses }),
    migrations: [AffairsInit1764547200000, AffairsFollowUp1796169600000, AffairsIdempotency1796342400001],
    keyedMigrations: (k) => [affairsSealingMigration(k)],
  },
  {
    name: 'credentials',
    uses: ['catalogue'],
    module: (_config, uses) => CredentialsModule.forRoot({ imports: uses }),
    migrations: [CredentialsInit1764374400000, IssuingAuthorities1764806460000, CredentialsIdempotency1796342400002],
    keyedMigrations: (k) => [credentialsSealingMigration(k)],
  },
];

/** Each domain's module, built once (a domain imported by others is the same module instance everywhere). */
export const domainModules = (config: NodeConfig, domains: readonly DomainEntry[] = DOMAINS): Map<string, DynamicModule> => {
  const built = new Map<string, DynamicModule>();
  const build = (name: string, path: readonly string[]): DynamicModule => {
    const done = built.get(name);
    if (done) return done;
    if (path.includes(name)) throw new Error(`domains use each other in a circle: ${[...path, name].join(' → ')}`);
    const entry = domains.find((d) => d.name === name);
    if (!entry) throw new Error(`domain ${path.at(-1)} uses unknown domain ${name}`);
    const module = entry.module(config, (entry.uses ?? []).map((u) => build(u, [...path, name])));
    built.set(name, module);
    return module;
  };
  return new Map(domains.map((d) => [d.name, build(d.name, [])]));
};

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
  IdempotencyKeys1796342400000,
  PeerCalendar1764892800000,
  WorkerLeases1796342400000,
  AuditBackgroundChain1796428800000,
  ...DOMAINS.flatMap((d) => [...d.migrations, ...(d.keyedMigrations?.(keys) ?? [])]),
];

/** The composition root of a city node running every domain in one process. */
export const composeCityNode = (config: NodeConfig, registry: CityRegistry, transport: CityTransport, demo?: DemoIdentity): CityNodeAppOptions => {
  const modules = domainModules(config);
  const catalogue = modules.get('catalogue');
  return {
    config,
    registry,
    transport,
    demo,
    migrations: allMigrations(resealKeysOf(config)),
    identity: {
      // NODE_IDENTITY and ITEM_CODES read the catalogue.
      imports: catalogue ? [catalogue] : [],
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
    domains: [...modules.values()],
  };
};
