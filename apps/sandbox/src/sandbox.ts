import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DestinationStream } from 'pino';
import { parse } from 'yaml';
import { z } from 'zod';
import { SEALING_KEY_ID_PATTERN, type SealingKey } from '@guangfo/gm-crypto';
import { EmbeddedTransport } from '@guangfo/messaging';
import { assertEncryptionKeyPinned, assertSigningKeyPinned, composeCityNode, createCityNodeApp } from '@guangfo/node';
import { ApiKeyService, CityRegistry, type DemoIdentity, loadDemoDirectory, NODE_VERSION, type NodeConfig, type RateLimitConfig } from '@guangfo/platform';
import { EmbeddedDatabase } from './embedded-database.js';

const secretsSchema = z.object({
  cities: z.record(
    z.string(),
    z.object({
      signingKey: z.object({ keyId: z.string(), privateKeyHex: z.string().regex(/^[0-9a-f]{64}$/) }),
      encryptionKey: z.object({ keyId: z.string(), privateKeyHex: z.string().regex(/^[0-9a-f]{64}$/) }),
      sealingKeys: z.array(z.object({ keyId: z.string().regex(SEALING_KEY_ID_PATTERN), keyHex: z.string().regex(/^[0-9a-f]{64}$/) })).min(1),
    }),
  ),
  identityProvider: z.object({ issuer: z.string(), privateKeyPem: z.string(), publicKeyPem: z.string() }),
});

/** The sandbox's limits: a thousand times production, i.e. never met by a demo, a test suite or a benchmark. */
export const SANDBOX_RATE_LIMIT: RateLimitConfig = { windowSeconds: 60, perIp: 600_000, perPrincipal: 300_000, tokenPerIp: 30_000 };

export interface SandboxOptions {
  dataDir: string;
  /** city code → HTTP port. Cities without a port are not started. */
  ports: Record<string, number>;
  host?: string;
  pgPort?: number;
  seedsDir?: string;
  logLevel?: string;
  announceIntervalMs?: number;
  /** Per-city catalogue directory (default seeds/catalogue for every city). */
  catalogueDirs?: Record<string, string>;
  /** Allow partner webhooks to loopback endpoints (off unless asked for: SANDBOX_WEBHOOK_LOOPBACK=true). */
  webhookLoopback?: boolean;
  /** Request limits (default: raised far above production, so demos, tests and benchmarks never meet them). */
  rateLimit?: RateLimitConfig;
  /** Where the nodes' JSON log lines go (default stdout); tests pass a stream to read them. */
  logDestination?: DestinationStream;
  /** Per city: a calendar directory other than seeds/calendar (tests loading a new year). */
  calendarDirs?: Record<string, string>;
}

/**
 * The embedded default: every city of the registry as its own node in this process, each with
 * its own database on one embedded PostgreSQL server, exchanging events over the embedded transport.
 */
export class Sandbox {
  readonly db: EmbeddedDatabase;
  readonly registry: CityRegistry;
  private readonly nodes = new Map<string, NestExpressApplication>();
  private readonly seeds: string;
  private readonly secrets: z.infer<typeof secretsSchema>;
  /** The demo identity provider (its key signs the demo users' tokens). */
  readonly demo: DemoIdentity;
  private readonly sealingOverrides = new Map<string, SealingKey[]>();

  constructor(private readonly o: SandboxOptions) {
    this.seeds = resolve(o.seedsDir ?? 'seeds');
    this.db = new EmbeddedDatabase(o.dataDir);
    this.registry = CityRegistry.fromFile(resolve(this.seeds, 'cities.yaml'), true);
    this.secrets = secretsSchema.parse(parse(readFileSync(resolve(this.seeds, 'demo/secrets.yaml'), 'utf8')));
    this.demo = {
      issuer: this.secrets.identityProvider.issuer,
      privateKeyPem: this.secrets.identityProvider.privateKeyPem,
      directory: loadDemoDirectory(resolve(this.seeds, 'demo/users.yaml')),
    };
  }

  static databaseName = (city: string): string => `guangfo_${city}`;

  async start(): Promise<void> {
    await this.db.start(this.o.pgPort);
    for (const city of Object.keys(this.o.ports)) await this.startNode(city);
  }

  configFor(city: string): NodeConfig {
    const secret = this.secrets.cities[city];
    if (!secret) throw new Error(`seeds/demo/secrets.yaml has no demo key for city ${city}`);
    return {
      cityCode: city,
      host: this.o.host ?? '127.0.0.1',
      port: this.o.ports[city],
      databaseUrl: this.db.url(Sandbox.databaseName(city)),
      transport: { kind: 'embedded' },
      signingKey: secret.signingKey,
      encryptionKey: secret.encryptionKey,
      sealingKeys: this.sealingOverrides.get(city) ?? secret.sealingKeys,
      identity: { issuer: this.secrets.identityProvider.issuer, publicKeyPem: this.secrets.identityProvider.publicKeyPem },
      registryFile: resolve(this.seeds, 'cities.yaml'),
      catalogueDir: resolve(this.o.catalogueDirs?.[city] ?? resolve(this.seeds, 'catalogue')),
      calendarDir: resolve(this.o.calendarDirs?.[city] ?? resolve(this.seeds, 'calendar')),
      sandbox: true,
      migrateOnStart: true,
      logLevel: this.o.logLevel ?? 'info',
      announceIntervalMs: this.o.announceIntervalMs ?? 300_000,
      relayPollMs: 100,
      maxDeliveryAttempts: 3,
      retryBaseMs: 50,
      nodeVersion: NODE_VERSION,
      rateLimit: this.o.rateLimit ?? SANDBOX_RATE_LIMIT,
      peerApiBaseUrls: Object.fromEntries(Object.entries(this.o.ports).map(([c, port]) => [c, `http://${this.o.host ?? '127.0.0.1'}:${port}`])),
      // The sandbox's peers are on this machine: node-to-node calls may use loopback (nothing else private).
      outbound: { allowLoopback: true, allowedNetworks: [] },
      webhookLoopback: this.o.webhookLoopback ?? false,
    };
  }

  /** Replaces a city's sealing keyring (newest first) from its next start on: rotation in tests and demos. */
  useSealingKeys(city: string, keys: SealingKey[]): void {
    this.sealingOverrides.set(city, keys);
  }

  /** The demo sealing keyring of a city (seeds/demo/secrets.yaml). */
  demoSealingKeys(city: string): SealingKey[] {
    return [...(this.secrets.cities[city]?.sealingKeys ?? [])];
  }

  async startNode(city: string): Promise<NestExpressApplication> {
    if (this.nodes.has(city)) throw new Error(`node ${city} already running`);
    const config = this.configFor(city);
    assertSigningKeyPinned(config, this.registry);
    assertEncryptionKeyPinned(config, this.registry);
    await this.db.ensureDatabase(Sandbox.databaseName(city));
    const transport = new EmbeddedTransport(city, this.registry);
    const app = await createCityNodeApp({ ...composeCityNode(config, this.registry, transport, this.demo), logDestination: this.o.logDestination });
    await app.listen(config.port, config.host);
    this.nodes.set(city, app);
    await this.seedPartners(city, app);
    return app;
  }

  async stopNode(city: string): Promise<void> {
    const app = this.nodes.get(city);
    this.nodes.delete(city);
    await app?.close();
  }

  node(city: string): NestExpressApplication {
    const app = this.nodes.get(city);
    if (!app) throw new Error(`node ${city} is not running`);
    return app;
  }

  async stop(): Promise<void> {
    for (const city of [...this.nodes.keys()]) await this.stopNode(city);
    await this.db.stop();
  }

  private async seedPartners(city: string, app: NestExpressApplication): Promise<void> {
    const apiKeys = app.get(ApiKeyService);
    for (const p of this.demo.directory.partners.filter((x) => x.city === city)) await apiKeys.provision(p);
  }
}
