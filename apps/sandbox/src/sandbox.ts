import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { parse } from 'yaml';
import { z } from 'zod';
import {
  CityRegistry,
  createCityNodeApp,
  type DemoIdentity,
  EmbeddedTransport,
  hashApiKey,
  loadDemoDirectory,
  NODE_VERSION,
  type NodeConfig,
} from '@guangfo/platform';
import { composeCityNode } from '../../city-node/src/city-node.composition.js';
import { assertSigningKeyPinned } from '../../city-node/src/signing-key.check.js';
import { EmbeddedDatabase } from './embedded-database.js';

const secretsSchema = z.object({
  cities: z.record(z.string(), z.object({ signingKey: z.object({ keyId: z.string(), privateKeyHex: z.string().regex(/^[0-9a-f]{64}$/) }) })),
  identityProvider: z.object({ issuer: z.string(), privateKeyPem: z.string(), publicKeyPem: z.string() }),
});

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
  private readonly demo: DemoIdentity;

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
      peerApiBaseUrls: Object.fromEntries(Object.entries(this.o.ports).map(([c, port]) => [c, `http://${this.o.host ?? '127.0.0.1'}:${port}`])),
    };
  }

  async startNode(city: string): Promise<NestExpressApplication> {
    if (this.nodes.has(city)) throw new Error(`node ${city} already running`);
    const config = this.configFor(city);
    assertSigningKeyPinned(config, this.registry);
    await this.db.ensureDatabase(Sandbox.databaseName(city));
    const transport = new EmbeddedTransport(city, this.registry);
    const app = await createCityNodeApp(composeCityNode(config, this.registry, transport, this.demo));
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
    const { DataSource } = await import('typeorm');
    const ds = app.get(DataSource);
    for (const p of this.demo.directory.partners.filter((x) => x.city === city)) {
      await ds.query(
        `INSERT INTO platform.api_key (id, name, city_code, key_hash, scopes) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET key_hash = EXCLUDED.key_hash, scopes = EXCLUDED.scopes, name = EXCLUDED.name`,
        [p.id, p.name, p.city, hashApiKey(p.apiKey), p.scopes],
      );
    }
  }
}
