import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import request from 'supertest';
import pg from 'pg';
import { processExchange } from '@guangfo/platform';
import { Sandbox } from '../../apps/sandbox/src/sandbox.js';
import { freePort } from '../../apps/sandbox/src/embedded-database.js';
import type { TestCluster } from '../support/cluster.js';
import { appliedAfterReceiverRestart, appliedExactlyOnce, duplicateHasNoEffect, forgedAndUnsignedAreDeadLettered, FS, GZ } from '../support/cross-city.scenarios.js';

/** The cross-city scenarios on the embedded transport (same scenarios as the Kafka integration suite). */
describe('cross-city events on the embedded transport', () => {
  let dir: string;
  let sandbox: Sandbox;
  let cluster: TestCluster;
  const ports: Record<string, number> = {};
  const pools = new Map<string, pg.Pool>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guangfo-e2e-'));
    ports[GZ] = await freePort();
    ports[FS] = await freePort();
    sandbox = new Sandbox({ dataDir: dir, ports, logLevel: 'silent' });
    await sandbox.start();
    const users: Record<string, Record<string, string>> = {
      [GZ]: { resident: 'gz-resident', clerk: 'gz-clerk', admin: 'gz-admin', supervisor: 'gz-supervisor' },
      [FS]: { resident: 'fs-resident', clerk: 'fs-clerk', admin: 'fs-admin', supervisor: 'fs-supervisor' },
    };
    cluster = {
      transport: 'embedded',
      baseUrl: (city) => `http://127.0.0.1:${ports[city]}`,
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
      token: async (city, role) => {
        const r = await request(`http://127.0.0.1:${ports[city]}`).post('/api/v1/auth/token').send({ username: users[city][role] }).expect(200);
        return (r.body as { accessToken: string }).accessToken;
      },
    };
  }, 120_000);

  afterAll(async () => {
    for (const p of pools.values()) await p.end();
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies an event committed in Guangzhou in Foshan exactly once', () => appliedExactlyOnce(cluster));
  it('applies it after Foshan restarts when Foshan was down while it was sent', () => appliedAfterReceiverRestart(cluster), 90_000);
  it('gives a duplicate delivery no second effect', () => duplicateHasNoEffect(cluster));
  it('dead-letters forged and unsigned events, applies neither, audits both', () => forgedAndUnsignedAreDeadLettered(cluster));
});
