import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DestinationStream } from 'pino';
import type { SealingKey } from '@guangfo/gm-crypto';
import { EmbeddedTransport } from '@guangfo/messaging';
import { assertEncryptionKeyPinned, assertSigningKeyPinned, composeCityNode, createCityNodeApp } from '@guangfo/node';
import type { CityRegistry, DemoIdentity, NodeConfig } from '@guangfo/platform';
import { EmbeddedDatabase } from './embedded-database.js';
import { type SandboxNodeSettings, SandboxSeeds } from './sandbox-seeds.js';

export { SANDBOX_RATE_LIMIT } from './sandbox-seeds.js';

export interface SandboxOptions extends SandboxNodeSettings {
  dataDir: string;
  pgPort?: number;
  /** Where the nodes' JSON log lines go (default stdout); tests pass a stream to read them. */
  logDestination?: DestinationStream;
}

/**
 * The in-process sandbox (the e2e tests): every city of `ports` as its own node in this process,
 * each with its own database on one embedded PostgreSQL server, exchanging events over the
 * in-process embedded exchange. Tests reach into the nodes (`node(city).get(Clock)`). `npm start`
 * runs the same nodes one process per city instead (`SandboxSupervisor`).
 */
export class Sandbox {
  readonly db: EmbeddedDatabase;
  readonly registry: CityRegistry;
  /** The demo identity provider (its key signs the demo users' tokens). */
  readonly demo: DemoIdentity;
  private readonly seeds: SandboxSeeds;
  private readonly nodes = new Map<string, NestExpressApplication>();
  private readonly sealingOverrides = new Map<string, SealingKey[]>();

  constructor(private readonly o: SandboxOptions) {
    this.seeds = new SandboxSeeds(o.seedsDir ?? 'seeds');
    this.db = new EmbeddedDatabase(o.dataDir);
    this.registry = this.seeds.registry;
    this.demo = this.seeds.demo;
  }

  static databaseName = SandboxSeeds.databaseName;

  async start(): Promise<void> {
    await this.db.start(this.o.pgPort);
    for (const city of Object.keys(this.o.ports)) await this.startNode(city);
  }

  configFor(city: string): NodeConfig {
    return this.seeds.nodeConfig(city, this.o, this.db.url(Sandbox.databaseName(city)), this.sealingOverrides.get(city));
  }

  /** Replaces a city's sealing keyring (newest first) from its next start on: rotation in tests and demos. */
  useSealingKeys(city: string, keys: SealingKey[]): void {
    this.sealingOverrides.set(city, keys);
  }

  /** The demo sealing keyring of a city (seeds/demo/secrets.yaml). */
  demoSealingKeys(city: string): SealingKey[] {
    return this.seeds.demoSealingKeys(city);
  }

  async startNode(city: string): Promise<NestExpressApplication> {
    if (this.nodes.has(city)) throw new Error(`node ${city} already running`);
    const config = this.configFor(city);
    assertSigningKeyPinned(config, this.registry);
    assertEncryptionKeyPinned(config, this.registry);
    await this.db.ensureDatabase(Sandbox.databaseName(city));
    const transport = new EmbeddedTransport(city, this.registry);
    const app = await createCityNodeApp({
      ...composeCityNode(config, this.registry, transport, this.demo),
      logDestination: this.o.logDestination,
    });
    await app.listen(config.port, config.host);
    this.nodes.set(city, app);
    await this.seeds.seedPartners(city, app);
    await this.seeds.seedSocialInsurance(city, app);
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
}
