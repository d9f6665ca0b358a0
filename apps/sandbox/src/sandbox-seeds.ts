import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { parse } from 'yaml';
import { z } from 'zod';
import { SEALING_KEY_ID_PATTERN, type SealingKey } from '@guangfo/gm-crypto';
import {
  ApiKeyService,
  CityRegistry,
  type ConsoleOidcConfig,
  type DemoIdentity,
  loadDemoDirectory,
  NODE_VERSION,
  type NodeConfig,
  type RateLimitConfig,
} from '@guangfo/platform';
import { type DemoEmployer, type DemoHistoryPeriod, DemoHistorySeeder } from '@guangfo/social-insurance';

const secretsSchema = z.object({
  cities: z.record(
    z.string(),
    z.object({
      signingKey: z.object({ keyId: z.string(), privateKeyHex: z.string().regex(/^[0-9a-f]{64}$/) }),
      encryptionKey: z.object({ keyId: z.string(), privateKeyHex: z.string().regex(/^[0-9a-f]{64}$/) }),
      sealingKeys: z
        .array(z.object({ keyId: z.string().regex(SEALING_KEY_ID_PATTERN), keyHex: z.string().regex(/^[0-9a-f]{64}$/) }))
        .min(1),
    }),
  ),
  identityProvider: z.object({ issuer: z.string(), privateKeyPem: z.string(), publicKeyPem: z.string() }),
});

/** The sandbox's limits: a thousand times production, i.e. never met by a demo, a test suite or a benchmark. */
export const SANDBOX_RATE_LIMIT: RateLimitConfig = { windowSeconds: 60, perIp: 600_000, perPrincipal: 300_000, tokenPerIp: 30_000 };

/** How the sandbox's nodes are set up; the same for the in-process sandbox and one process per city. JSON-safe. */
export interface SandboxNodeSettings {
  /** city code → HTTP port. Cities without a port are not started. */
  ports: Record<string, number>;
  host?: string;
  seedsDir?: string;
  logLevel?: string;
  announceIntervalMs?: number;
  /** Per-city catalogue directory (default seeds/catalogue for every city). */
  catalogueDirs?: Record<string, string>;
  /** Allow partner webhooks to loopback endpoints (off unless asked for: SANDBOX_WEBHOOK_LOOPBACK=true). */
  webhookLoopback?: boolean;
  /** Request limits (default: raised far above production, so demos, tests and benchmarks never meet them). */
  rateLimit?: RateLimitConfig;
  /** Per city: a calendar directory other than seeds/calendar (tests loading a new year). */
  calendarDirs?: Record<string, string>;
  /** Per city: an identity provider for the console's sign-in (CONSOLE_OIDC_* of a real node), beside the demo users. */
  consoleOidc?: Record<string, ConsoleOidcConfig>;
}

/** The sandbox's seeds: the registry (demo keys honoured), the demo secrets and the demo identity provider. */
export class SandboxSeeds {
  readonly registry: CityRegistry;
  /** The demo identity provider (its key signs the demo users' tokens). */
  readonly demo: DemoIdentity;
  private readonly dir: string;
  private readonly secrets: z.infer<typeof secretsSchema>;

  constructor(seedsDir = 'seeds') {
    this.dir = resolve(seedsDir);
    this.registry = CityRegistry.fromFile(resolve(this.dir, 'cities.yaml'), true);
    this.secrets = secretsSchema.parse(parse(readFileSync(resolve(this.dir, 'demo/secrets.yaml'), 'utf8')));
    this.demo = {
      issuer: this.secrets.identityProvider.issuer,
      privateKeyPem: this.secrets.identityProvider.privateKeyPem,
      directory: loadDemoDirectory(resolve(this.dir, 'demo/users.yaml')),
    };
  }

  /** Each city's database on the one embedded PostgreSQL server. */
  static databaseName = (city: string): string => `guangfo_${city}`;

  /** The configuration of one city's node in the sandbox. */
  nodeConfig(city: string, s: SandboxNodeSettings, databaseUrl: string, sealingKeys?: SealingKey[]): NodeConfig {
    const secret = this.secrets.cities[city];
    if (!secret) throw new Error(`seeds/demo/secrets.yaml has no demo key for city ${city}`);
    const host = s.host ?? '127.0.0.1';
    // Peers are reached on loopback when the nodes listen on every address (SANDBOX_HOST=0.0.0.0).
    const peerHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    return {
      cityCode: city,
      host,
      port: s.ports[city],
      databaseUrl,
      transport: { kind: 'embedded' },
      signingKey: secret.signingKey,
      encryptionKey: secret.encryptionKey,
      sealingKeys: sealingKeys ?? secret.sealingKeys,
      identity: { issuer: this.secrets.identityProvider.issuer, publicKeyPem: this.secrets.identityProvider.publicKeyPem },
      registryFile: resolve(this.dir, 'cities.yaml'),
      catalogueDir: resolve(s.catalogueDirs?.[city] ?? resolve(this.dir, 'catalogue')),
      calendarDir: resolve(s.calendarDirs?.[city] ?? resolve(this.dir, 'calendar')),
      sandbox: true,
      migrateOnStart: true,
      logLevel: s.logLevel ?? 'info',
      announceIntervalMs: s.announceIntervalMs ?? 300_000,
      relayPollMs: 100,
      maxDeliveryAttempts: 3,
      retryBaseMs: 50,
      nodeVersion: NODE_VERSION,
      rateLimit: s.rateLimit ?? SANDBOX_RATE_LIMIT,
      peerApiBaseUrls: Object.fromEntries(Object.entries(s.ports).map(([c, port]) => [c, `http://${peerHost}:${port}`])),
      // The sandbox's peers are on this machine: node-to-node calls may use loopback (nothing else private).
      outbound: { allowLoopback: true, allowedNetworks: [] },
      webhookLoopback: s.webhookLoopback ?? false,
      ...(s.consoleOidc?.[city] ? { consoleOidc: s.consoleOidc[city] } : {}),
    };
  }

  /** The demo sealing keyring of a city (seeds/demo/secrets.yaml). */
  demoSealingKeys(city: string): SealingKey[] {
    return [...(this.secrets.cities[city]?.sealingKeys ?? [])];
  }

  /** Loads the city's demo social-insurance employers and histories (demo/social-insurance.yaml of the seeds, if any) on its running node. */
  async seedSocialInsurance(city: string, app: INestApplication): Promise<void> {
    const file = resolve(this.dir, 'demo/social-insurance.yaml');
    if (!existsSync(file)) return;
    const { histories, employers } = parse(readFileSync(file, 'utf8')) as { histories: DemoHistoryPeriod[]; employers?: DemoEmployer[] };
    await app.get(DemoHistorySeeder).seed(
      histories.filter((h) => h.city === city),
      (employers ?? []).filter((e) => e.city === city),
    );
  }

  /** Provisions the city's demo partner API keys (seeds/demo/users.yaml) on its running node. */
  async seedPartners(city: string, app: INestApplication): Promise<void> {
    const apiKeys = app.get(ApiKeyService);
    for (const p of this.demo.directory.partners.filter((x) => x.city === city)) await apiKeys.provision(p);
  }
}
