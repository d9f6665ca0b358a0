import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import pg from 'pg';
import request from 'supertest';
import { Sealer } from '@guangfo/gm-crypto';
import { processExchange } from '@guangfo/messaging';
import { freePort } from '../../apps/sandbox/src/embedded-database.js';
import { Sandbox } from '../../apps/sandbox/src/sandbox.js';
import type { TestCluster } from './cluster.js';

const DEMO_USERS: Record<string, Record<string, string>> = {
  '440100': { resident: 'gz-resident', clerk: 'gz-clerk', admin: 'gz-admin', supervisor: 'gz-supervisor' },
  '440600': { resident: 'fs-resident', clerk: 'fs-clerk', admin: 'fs-admin', supervisor: 'fs-supervisor' },
  // The out-of-province fixture city (seeds/fixtures/out-of-province).
  '430100': { resident: 'cs-resident', clerk: 'cs-clerk', admin: 'cs-admin', supervisor: 'cs-admin' },
};

export interface TokenClaims {
  sub: string;
  role: string;
  hall?: string;
  idv?: { idNumber: string; name: string; assurance: string };
}

export interface EmbeddedCluster extends TestCluster {
  sandbox: Sandbox;
  /** A token for any demo user of seeds/demo/users.yaml. */
  tokenFor(city: string, username: string): Promise<string>;
  /** A token with exactly these claims, signed by the sandbox's demo identity provider. */
  tokenWith(city: string, claims: TokenClaims): Promise<string>;
  close(): Promise<void>;
}

/** Guangzhou and Foshan in this process: embedded PostgreSQL in a temp dir, embedded transport. */
export const startEmbeddedCluster = async (
  cities = ['440100', '440600'],
  options: { catalogueDirs?: Record<string, string>; calendarDirs?: Record<string, string>; seedsDir?: string } = {},
): Promise<EmbeddedCluster> => {
  const dir = mkdtempSync(join(tmpdir(), 'guangfo-e2e-'));
  const ports: Record<string, number> = {};
  for (const c of cities) ports[c] = await freePort();
  // Test partners' webhook receivers listen on loopback: allowed here by the explicit setting.
  const sandbox = new Sandbox({
    dataDir: dir,
    ports,
    logLevel: 'silent',
    catalogueDirs: options.catalogueDirs,
    calendarDirs: options.calendarDirs,
    ...(options.seedsDir ? { seedsDir: options.seedsDir } : {}),
    webhookLoopback: true,
  });
  await sandbox.start();
  const pools = new Map<string, pg.Pool>();
  const baseUrl = (city: string) => `http://127.0.0.1:${ports[city]}`;
  const tokenFor = async (city: string, username: string) =>
    ((await request(baseUrl(city)).post('/api/v1/auth/token').send({ username }).expect(200)).body as { accessToken: string }).accessToken;
  const jwt = new JwtService();
  const tokenWith = (city: string, claims: TokenClaims) =>
    jwt.signAsync(
      { ...claims, city },
      { algorithm: 'ES256', privateKey: sandbox.demo.privateKeyPem, issuer: sandbox.demo.issuer, audience: 'guangfo-api', expiresIn: 600 },
    );
  return {
    transport: 'embedded',
    sandbox,
    baseUrl,
    tokenWith,
    sealer: (city) => sandbox.node(city).get(Sealer),
    stopNode: (city) => sandbox.stopNode(city),
    startNode: async (city) => {
      await sandbox.startNode(city);
    },
    // Straight to the city's database, so it can be inspected while its node is down.
    query: async <T>(city: string, sql: string, params?: unknown[]) => {
      if (!pools.has(city)) pools.set(city, new pg.Pool({ connectionString: sandbox.db.url(Sandbox.databaseName(city)), max: 2 }));
      return (await pools.get(city)!.query(sql, params)).rows as T[];
    },
    inject: async (city, message) => {
      if (!(await processExchange.deliver(city, message))) throw new Error(`${city} not running`);
    },
    token: (city, role) => tokenFor(city, DEMO_USERS[city][role]),
    tokenFor,
    close: async () => {
      for (const p of pools.values()) await p.end();
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
