import type { DynamicModule, Provider } from '@nestjs/common';
import {
  AffairsFollowUp1796169600000,
  AffairsIdempotency1796342400001,
  AffairsInit1764547200000,
  AffairsModule,
  affairsSealingMigration,
} from '@guangfo/affairs';
import { CatalogueModule, CatalogueService, WORKING_DAY_CALENDAR, type WorkingDayCalendar } from '@guangfo/catalogue';
import {
  CredentialsIdempotency1796342400002,
  CredentialsInit1764374400000,
  CredentialsModule,
  credentialsSealingMigration,
  IssuingAuthorities1764806460000,
  loadCredentialsConfig,
} from '@guangfo/credentials';
import { FederationModule, NODE_IDENTITY } from '@guangfo/federation';
import {
  MedicalBooking1797120000002,
  MedicalBookingCancel1797206400002,
  MedicalYearAheadGrants1797379200000,
  MedicalSlotOffers1797379200001,
  MedicalClearingApplication1797206400001,
  MedicalHealthConsent1797120000001,
  MedicalInit1796601600010,
  MedicalSettlementModule,
  MedicalStatementChunks1797379200002,
  MedicalAllowanceReturns1797465600000,
  MedicalSlotWithdrawal1797552000000,
  MedicalVersionsLists1797120000000,
} from '@guangfo/medical-settlement';
import { FilesModule } from '@guangfo/files';
import { type CityTransport, MessagingModule } from '@guangfo/messaging';
import {
  ApiKeyIssuingBody1764806400000,
  AuditBackgroundChain1796428800000,
  DeadLetterRawBytes1796601600000,
  DeadLetterRawText1796515200000,
  FileBlobCsv1797206400000,
  type CityRegistry,
  type DemoIdentity,
  IdempotencyKeys1796342400000,
  type NodeConfig,
  PartnerCaseGrants1796256000000,
  PeerCalendar1764892800000,
  PlatformInit1764201600000,
  PlatformModule,
  type ResealKeys,
  WebhooksFiles1764288000000,
  WorkerLeases1796342400000,
} from '@guangfo/platform';
import {
  SocialInsuranceCrossChecks1796688000000,
  SocialInsuranceEmployers1796947200000,
  SocialInsuranceInit1796601600001,
  SocialInsuranceInvestigationClosing1797033600000,
  SocialInsuranceMedicalTransfer1796860800000,
  SocialInsuranceModule,
  SocialInsuranceWorkInjury1796774400000,
} from '@guangfo/social-insurance';
import { ITEM_CODES, type ItemCodes, platformSealingMigration, WebhooksModule } from '@guangfo/webhooks';
import type { CityNodeAppOptions } from './city-node.app.js';

type Migration = new () => unknown;

/** One domain of a city node: its module and its own schema's migrations. Add a domain with one entry. */
export interface DomainEntry {
  name: string;
  /** The modules this one imports (their published exports), by name: `platform`, `messaging`, `files`, `webhooks`, or another domain. */
  uses?: string[];
  /** The domain's module; `uses` holds the modules named in `uses`, in that order. */
  module: (config: NodeConfig, uses: DynamicModule[]) => DynamicModule;
  migrations: Migration[];
  /** Migrations that need the node's keys (re-sealing data at rest with the sealing keyring). */
  keyedMigrations?: (keys: ResealKeys) => Migration[];
}

/** The domains of the default deployable (every domain in one process). */
export const DOMAINS: DomainEntry[] = [
  {
    name: 'catalogue',
    module: (config) => CatalogueModule.forRoot({ seedDir: config.catalogueDir, calendarDir: config.calendarDir }),
    migrations: [],
  },
  {
    name: 'affairs',
    uses: ['platform', 'messaging', 'files', 'webhooks', 'catalogue', 'credentials'],
    module: (_config, uses) => AffairsModule.forRoot({ imports: uses }),
    migrations: [AffairsInit1764547200000, AffairsFollowUp1796169600000, AffairsIdempotency1796342400001],
    keyedMigrations: (k) => [affairsSealingMigration(k)],
  },
  {
    name: 'credentials',
    uses: ['platform', 'messaging', 'catalogue'],
    module: (_config, uses) => CredentialsModule.forRoot({ imports: uses }),
    migrations: [CredentialsInit1764374400000, IssuingAuthorities1764806460000, CredentialsIdempotency1796342400002],
    keyedMigrations: (k) => [credentialsSealingMigration(k)],
  },
  {
    name: 'social-insurance',
    uses: ['platform', 'messaging', 'catalogue', 'credentials'],
    module: (_config, uses) => SocialInsuranceModule.forRoot({ imports: uses }),
    migrations: [
      SocialInsuranceInit1796601600001,
      SocialInsuranceCrossChecks1796688000000,
      SocialInsuranceWorkInjury1796774400000,
      SocialInsuranceMedicalTransfer1796860800000,
      SocialInsuranceEmployers1796947200000,
      SocialInsuranceInvestigationClosing1797033600000,
    ],
  },
  {
    name: 'medical-settlement',
    uses: ['platform', 'messaging', 'files', 'credentials'],
    module: (_config, uses) => MedicalSettlementModule.forRoot({ imports: uses }),
    migrations: [
      MedicalInit1796601600010,
      MedicalVersionsLists1797120000000,
      MedicalHealthConsent1797120000001,
      MedicalBooking1797120000002,
      MedicalClearingApplication1797206400001,
      MedicalBookingCancel1797206400002,
      MedicalYearAheadGrants1797379200000,
      MedicalSlotOffers1797379200001,
      MedicalStatementChunks1797379200002,
      MedicalAllowanceReturns1797465600000,
      MedicalSlotWithdrawal1797552000000,
    ],
  },
];

/**
 * Builds each module once, in the order `uses` asks for (a module imported by several others is the
 * same instance everywhere). `given` holds modules built beforehand (the platform, messaging).
 */
export const buildModules = (
  config: NodeConfig,
  entries: readonly DomainEntry[],
  given: ReadonlyMap<string, DynamicModule> = new Map(),
): Map<string, DynamicModule> => {
  const built = new Map(given);
  const build = (name: string, path: readonly string[]): DynamicModule => {
    const done = built.get(name);
    if (done) return done;
    if (path.includes(name)) throw new Error(`modules use each other in a circle: ${[...path, name].join(' → ')}`);
    const entry = entries.find((d) => d.name === name);
    if (!entry) throw new Error(`module ${path.at(-1)} uses unknown module ${name}`);
    const module = entry.module(
      config,
      (entry.uses ?? []).map((u) => build(u, [...path, name])),
    );
    built.set(name, module);
    return module;
  };
  for (const e of entries) build(e.name, []);
  return built;
};

/** The keys the re-sealing migrations need: the node's keyring and what the old schemes derived from. */
export const resealKeysOf = (config: NodeConfig, env: NodeJS.ProcessEnv = process.env): ResealKeys => {
  const legacyCredentialKek = loadCredentialsConfig(env).keyEncryptionKey;
  return {
    cityCode: config.cityCode,
    signingKey: config.signingKey,
    sealingKeys: config.sealingKeys,
    ...(legacyCredentialKek ? { legacyCredentialKek } : {}),
  };
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
  DeadLetterRawText1796515200000,
  DeadLetterRawBytes1796601600000,
  FileBlobCsv1797206400000,
  ...DOMAINS.flatMap((d) => [...d.migrations, ...(d.keyedMigrations?.(keys) ?? [])]),
];

/** NODE_IDENTITY (for announcements): the catalogue version, the calendar and the domains this node runs. */
const nodeIdentityProvider = (domains: readonly DomainEntry[]): Provider => ({
  provide: NODE_IDENTITY,
  inject: [CatalogueService, WORKING_DAY_CALENDAR],
  useFactory: (c: CatalogueService, calendar: WorkingDayCalendar) => ({
    catalogue: () => {
      const v = c.version();
      return { version: v.version, hash: v.hash };
    },
    calendar: () => calendar.identity(),
    domains: ['platform', ...domains.map((d) => d.name)],
  }),
});

/** ITEM_CODES (for partner-given item codes in webhook subscriptions): the catalogue's. */
const itemCodesProvider: Provider = {
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
};

/**
 * The node's features below the domains; federation and webhooks read the catalogue through a token the composition fills.
 * Federation takes peer deliveries over signed HTTP only on the embedded transport.
 */
const featureEntries = (domains: readonly DomainEntry[], transport: CityTransport): DomainEntry[] => [
  {
    name: 'federation',
    uses: ['platform', 'messaging', 'catalogue'],
    module: (_c, imports) =>
      FederationModule.forNode({ imports, identity: nodeIdentityProvider(domains), acceptEventDeliveries: transport.kind === 'embedded' }),
    migrations: [],
  },
  { name: 'files', uses: ['platform'], module: (_c, imports) => FilesModule.forNode({ imports }), migrations: [] },
  {
    name: 'webhooks',
    uses: ['platform', 'catalogue'],
    module: (_c, imports) => WebhooksModule.forNode({ imports, itemCodes: itemCodesProvider }),
    migrations: [],
  },
];

/** The composition root of a city node running every domain in one process. */
export const composeCityNode = (
  config: NodeConfig,
  registry: CityRegistry,
  transport: CityTransport,
  demo?: DemoIdentity,
): CityNodeAppOptions => {
  const migrations = allMigrations(resealKeysOf(config));
  const platform = PlatformModule.forNode({ config, registry, migrations, ...(demo ? { demo } : {}) });
  const messaging = MessagingModule.forNode({ transport, imports: [platform] });
  const modules = buildModules(
    config,
    [...featureEntries(DOMAINS, transport), ...DOMAINS],
    new Map([
      ['platform', platform],
      ['messaging', messaging],
    ]),
  );
  return { config, registry, transport, migrations, modules: [...modules.values()] };
};
