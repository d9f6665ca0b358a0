import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import request from 'supertest';
import { parse, stringify } from 'yaml';
import { deadLetterTopic, inboundTopic, PUBLIC_TOPIC } from '@guangfo/contracts';
import { generateSm2KeyPair } from '@guangfo/platform';
import { freePort } from '../../apps/sandbox/src/embedded-database.js';
import { type TestCluster, waitFor } from '../support/cluster.js';
import { appliedAfterReceiverRestart, appliedExactlyOnce, duplicateHasNoEffect, forgedAndUnsignedAreDeadLettered, FS, GZ } from '../support/cross-city.scenarios.js';

/**
 * The cross-city scenarios against a real Kafka broker and a real PostgreSQL server, with each
 * city node a separate process (`node dist/apps/city-node/src/main.js`), configured as in production.
 */
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const PG_ADMIN = process.env.IT_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const pgUrl = (db: string) => { const u = new URL(PG_ADMIN); u.pathname = `/${db}`; return u.toString(); };
const dbName = (city: string) => `guangfo_it_${city}`;

describe('cross-city events over real Kafka and PostgreSQL (separate node processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'guangfo-it-'));
  const procs = new Map<string, ChildProcess>();
  const ports: Record<string, number> = {};
  const pools = new Map<string, pg.Pool>();
  const idp = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwt = new JwtService();
  const kafka = new Kafka({ clientId: 'guangfo-it', brokers: BROKERS.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  let cluster: TestCluster;

  const envFor = (city: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    CITY_CODE: city,
    HOST: '127.0.0.1',
    PORT: String(ports[city]),
    DATABASE_URL: pgUrl(dbName(city)),
    KAFKA_BROKERS: BROKERS,
    EVENT_SIGNING_KEY_FILE: join(dir, `${city}.key`),
    EVENT_SIGNING_KEY_ID: `${city}-it`,
    JWT_PUBLIC_KEY_FILE: join(dir, 'idp.pub.pem'),
    JWT_ISSUER: 'guangfo-idp-it',
    CITY_REGISTRY_FILE: join(dir, 'cities.yaml'),
    LOG_LEVEL: 'warn',
    RELAY_POLL_MS: '100',
    EVENT_RETRY_BASE_MS: '50',
  });

  const startNode = async (city: string) => {
    const child = spawn(process.execPath, ['dist/apps/city-node/src/main.js'], { env: envFor(city), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    procs.set(city, child);
    await waitFor(`node ${city} ready`, async () => {
      if (child.exitCode !== null) throw new Error(`node ${city} exited ${child.exitCode}: ${stderr}`);
      return (await fetch(`http://127.0.0.1:${ports[city]}/health/ready`)).ok;
    }, 60_000, 250);
  };

  const stopNode = async (city: string) => {
    const child = procs.get(city);
    procs.delete(city);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };

  beforeAll(async () => {
    // Fresh keys (not the demo ones), fresh databases, fresh topics.
    const seed = parse(readFileSync('seeds/cities.yaml', 'utf8')) as { cities: Record<string, unknown>[] };
    const cities = seed.cities.map((c) => {
      const keys = generateSm2KeyPair();
      writeFileSync(join(dir, `${String(c.code)}.key`), keys.privateKey);
      return { ...c, signingKeys: [{ keyId: `${String(c.code)}-it`, alg: 'SM2-SM3', status: 'active', publicKey: keys.publicKey }] };
    });
    writeFileSync(join(dir, 'cities.yaml'), stringify({ cities }));
    writeFileSync(join(dir, 'idp.pub.pem'), idp.publicKey.export({ type: 'spki', format: 'pem' }));

    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    for (const city of [GZ, FS]) {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName(city)} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${dbName(city)}`);
    }
    await admin.end();
    for (const city of [GZ, FS]) {
      execFileSync(process.execPath, ['dist/apps/city-node/src/migrate.js'], { env: { PATH: process.env.PATH, DATABASE_URL: pgUrl(dbName(city)) } });
      pools.set(city, new pg.Pool({ connectionString: pgUrl(dbName(city)), max: 2 }));
    }

    const kadmin = kafka.admin();
    await kadmin.connect();
    const stale = (await kadmin.listTopics()).filter((t) => t.startsWith('guangfo.'));
    if (stale.length) await kadmin.deleteTopics({ topics: stale, timeout: 30_000 });
    await waitFor('old topics gone', async () => !(await kadmin.listTopics()).some((t) => t.startsWith('guangfo.')), 60_000, 500);
    const groups = (await kadmin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith('guangfo-node-'));
    if (groups.length) await kadmin.deleteGroups(groups);
    await kadmin.disconnect();
    await producer.connect();

    ports[GZ] = await freePort();
    ports[FS] = await freePort();
    await startNode(GZ);
    await startNode(FS);

    cluster = {
      transport: 'kafka',
      baseUrl: (city) => `http://127.0.0.1:${ports[city]}`,
      stopNode,
      startNode,
      query: async <T>(city: string, sql: string, params?: unknown[]) => (await pools.get(city)!.query(sql, params)).rows as T[],
      inject: async (city, message) => {
        const topic = message.headers.ce_tocity ? inboundTopic(city) : PUBLIC_TOPIC;
        await producer.send({ topic, acks: -1, messages: [{ key: message.key, value: message.value, headers: message.headers }] });
      },
      token: async (city, role) =>
        jwt.signAsync({ sub: `${city}-${role}`, role, city }, { algorithm: 'ES256', privateKey: idp.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), issuer: 'guangfo-idp-it', audience: 'guangfo-api', expiresIn: 600 }),
    };
  }, 180_000);

  afterAll(async () => {
    for (const city of [...procs.keys()]) await stopNode(city);
    for (const p of pools.values()) await p.end();
    await producer.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects both nodes to Kafka and PostgreSQL (readiness)', async () => {
    for (const city of [GZ, FS]) {
      const r = await request(cluster.baseUrl(city)).get('/health/ready').expect(200);
      expect(r.body.info).toMatchObject({ database: { status: 'up' }, transport: { status: 'up', kind: 'kafka' } });
    }
  });

  it('applies an event committed in Guangzhou in Foshan exactly once', () => appliedExactlyOnce(cluster));
  it('applies it after Foshan restarts when Foshan was down while it was sent', () => appliedAfterReceiverRestart(cluster), 120_000);
  it('gives a duplicate delivery no second effect', () => duplicateHasNoEffect(cluster));

  it('dead-letters forged and unsigned events (and publishes them to the dead-letter topic)', async () => {
    await forgedAndUnsignedAreDeadLettered(cluster);
    const consumer = kafka.consumer({ groupId: `guangfo-it-dlq-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: deadLetterTopic(FS), fromBeginning: true });
    const reasons: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => { reasons.push(String(message.headers?.['x-dead-letter-reason-code'] ?? '')); } });
    await waitFor('dead-letter topic messages', async () => reasons.includes('SIGNATURE_INVALID') && reasons.includes('UNSIGNED'), 30_000);
    await consumer.disconnect();
  });

  it('refuses the demo token endpoint outside the sandbox', async () => {
    const r = await request(cluster.baseUrl(GZ)).post('/api/v1/auth/token').send({ username: 'gz-admin' });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('TOKEN_ISSUING_DISABLED');
  });

  it('keeps an intact audit chain, as the audit:verify command reports', () => {
    const out = execFileSync(process.execPath, ['dist/apps/city-node/src/audit-verify.js'], { env: { PATH: process.env.PATH, DATABASE_URL: pgUrl(dbName(FS)) } }).toString();
    expect(out).toMatch(/audit chain intact: \d+ records/);
  });
});
