import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { inboundTopic, PUBLIC_TOPIC } from '@guangfo/contracts';
import { generateSealingKey, generateSm2KeyPair, parseSealingKeys, Sealer } from '@guangfo/gm-crypto';
import { freePort } from '../../apps/sandbox/src/embedded-database.js';
import { type TestCluster, waitFor } from './cluster.js';

export const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const PG_ADMIN = process.env.IT_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const pgUrl = (db: string): string => {
  const u = new URL(PG_ADMIN);
  u.pathname = `/${db}`;
  return u.toString();
};
/** IT_DATABASE_PREFIX lets two runs share one PostgreSQL server without dropping each other's databases. */
export const itDatabase = (city: string): string => `${process.env.IT_DATABASE_PREFIX ?? 'guangfo_it'}_${city}`;

export interface KafkaCluster extends TestCluster {
  kafka: Kafka;
  /** A token from the test identity provider for any subject. */
  tokenWith(
    city: string,
    claims: { sub: string; role: string; hall?: string; idv?: { idNumber: string; name: string; assurance: string } },
  ): Promise<string>;
  /** kill -9 of a city's node process (no shutdown at all); `startNode` starts it again. */
  killNode(city: string): Promise<void>;
  /** The pid of a city's node process (undefined when it is not running). */
  pid(city: string): number | undefined;
  /** A city's event-signing private key and key id (the test may sign events as that city, e.g. for a misbehaving producer). */
  signingKey(city: string): { keyId: string; privateKey: string };
  /** The PostgreSQL server's admin connection string (faults: terminate connections, refuse them). */
  adminUrl: string;
  close(): Promise<void>;
}

export interface KafkaClusterOptions {
  /** Extra environment for every node process (e.g. a shorter relay lease, higher rate limits). */
  env?: Record<string, string>;
  /** The city registry the nodes are given (fresh keys replace its demo keys); e.g. the out-of-province fixture's. */
  registryFile?: string;
}

/**
 * Each city node a separate process (`node dist/apps/city-node/src/main.js`, run `npm run build`
 * first), configured as in production: fresh non-demo keys, fresh databases on the PostgreSQL
 * server, fresh Kafka topics and consumer groups.
 */
const RESIDENT_IDENTITY: Record<string, { idNumber: string; name: string; assurance: string }> = {
  '440100': { idNumber: '440106199001010013', name: '陈小明', assurance: 'real-name' },
  '440600': { idNumber: '44060419920505002X', name: '李小红', assurance: 'real-name' },
  '430100': { idNumber: '430102199001010016', name: '王小军', assurance: 'real-name' },
};

const DEMO_HALL: Record<string, string> = { '440100': 'GZ-TH-01', '440600': 'FS-CC-01', '430100': 'CS-FR-01' };

export const startKafkaCluster = async (cities = ['440100', '440600'], options: KafkaClusterOptions = {}): Promise<KafkaCluster> => {
  const dir = mkdtempSync(join(tmpdir(), 'guangfo-it-'));
  const procs = new Map<string, ChildProcess>();
  const ports: Record<string, number> = {};
  const pools = new Map<string, pg.Pool>();
  const idp = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const idpKey = idp.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const jwt = new JwtService();
  const kafka = new Kafka({ clientId: 'guangfo-it', brokers: BROKERS.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer();

  const seed = parse(readFileSync(options.registryFile ?? 'seeds/cities.yaml', 'utf8')) as { cities: Record<string, unknown>[] };
  const registry = seed.cities.map((c) => {
    const keys = generateSm2KeyPair();
    const enc = generateSm2KeyPair();
    const sealing = generateSealingKey(`${String(c.code)}-seal-it`);
    writeFileSync(join(dir, `${String(c.code)}.key`), keys.privateKey);
    writeFileSync(join(dir, `${String(c.code)}.enc.key`), enc.privateKey);
    writeFileSync(join(dir, `${String(c.code)}.sealing.keys`), `${sealing.keyId}:${sealing.keyHex}`);
    return {
      ...c,
      signingKeys: [{ keyId: `${String(c.code)}-it`, alg: 'SM2-SM3', status: 'active', publicKey: keys.publicKey }],
      encryptionKeys: [{ keyId: `${String(c.code)}-enc-it`, alg: 'SM2-ENC', status: 'active', publicKey: enc.publicKey }],
    };
  });
  writeFileSync(join(dir, 'cities.yaml'), stringify({ cities: registry }));
  // The cities' shared match key for social-insurance cross-checks (distributed out of band, like the registry).
  const matchKeys = `match-it:${generateSealingKey('match-it').keyHex}`;
  writeFileSync(join(dir, 'idp.pub.pem'), idp.publicKey.export({ type: 'spki', format: 'pem' }));

  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  for (const city of cities) {
    await admin.query(`DROP DATABASE IF EXISTS ${itDatabase(city)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${itDatabase(city)}`);
  }
  await admin.end();

  const kadmin = kafka.admin();
  await kadmin.connect();
  const stale = (await kadmin.listTopics()).filter((t) => t.startsWith('guangfo.'));
  if (stale.length) await kadmin.deleteTopics({ topics: stale, timeout: 30_000 });
  await waitFor('old topics gone', async () => !(await kadmin.listTopics()).some((t) => t.startsWith('guangfo.')), 60_000, 500);
  // A previous run's consumers may still be members until their session times out: retry until the groups are gone.
  await waitFor(
    'old consumer groups gone',
    async () => {
      const groups = (await kadmin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith('guangfo-node-'));
      if (groups.length) await kadmin.deleteGroups(groups);
      return true;
    },
    60_000,
    1000,
  );
  await kadmin.disconnect();
  await producer.connect();

  const envFor = (city: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    CITY_CODE: city,
    HOST: '127.0.0.1',
    PORT: String(ports[city]),
    DATABASE_URL: pgUrl(itDatabase(city)),
    KAFKA_BROKERS: BROKERS,
    EVENT_SIGNING_KEY_FILE: join(dir, `${city}.key`),
    EVENT_SIGNING_KEY_ID: `${city}-it`,
    EVENT_ENCRYPTION_KEY_FILE: join(dir, `${city}.enc.key`),
    EVENT_ENCRYPTION_KEY_ID: `${city}-enc-it`,
    DATA_SEALING_KEYS_FILE: join(dir, `${city}.sealing.keys`),
    JWT_PUBLIC_KEY_FILE: join(dir, 'idp.pub.pem'),
    JWT_ISSUER: 'guangfo-idp-it',
    CITY_REGISTRY_FILE: join(dir, 'cities.yaml'),
    LOG_LEVEL: 'warn',
    RELAY_POLL_MS: '100',
    EVENT_RETRY_BASE_MS: '50',
    PEER_API_BASE_URLS: cities.map((c) => `${c}=http://127.0.0.1:${ports[c]}`).join(','),
    // The peers are on this machine: node-to-node calls may use loopback (explicit, as in production it is off).
    OUTBOUND_ALLOW_LOOPBACK: 'true',
    SOCIAL_INSURANCE_MATCH_KEYS: matchKeys,
    ...options.env,
  });

  const startNode = async (city: string) => {
    const child = spawn(process.execPath, ['dist/apps/city-node/src/main.js'], { env: envFor(city), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    procs.set(city, child);
    // A node that exits while the test runs (a crash) is reported at once, not as a timeout.
    child.once('exit', (code, signal) => {
      if (procs.get(city) === child && signal !== 'SIGKILL' && signal !== 'SIGTERM')
        process.stderr.write(`node ${city} exited (${code ?? signal}): ${stderr.slice(-2000)}\n`);
    });
    await waitFor(
      `node ${city} ready`,
      async () => {
        if (child.exitCode !== null) throw new Error(`node ${city} exited ${child.exitCode}: ${stderr}`);
        return (await fetch(`http://127.0.0.1:${ports[city]}/health/ready`)).ok;
      },
      60_000,
      250,
    );
  };

  const stopNode = async (city: string) => {
    const child = procs.get(city);
    procs.delete(city);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };

  const killNode = async (city: string) => {
    const child = procs.get(city);
    procs.delete(city);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };

  for (const city of cities) ports[city] = await freePort();
  // The migrations need the node's keys (re-sealing data at rest), so they run with its environment.
  for (const city of cities) {
    execFileSync(process.execPath, ['dist/apps/city-node/src/migrate.js'], { env: envFor(city) });
    const pool = new pg.Pool({ connectionString: pgUrl(itDatabase(city)), max: 2 });
    // Drills terminate every connection of the database: an idle client's error is not the test's.
    pool.on('error', () => undefined);
    pools.set(city, pool);
  }
  for (const city of cities) await startNode(city);

  const tokenWith = (
    city: string,
    claims: { sub: string; role: string; hall?: string; idv?: { idNumber: string; name: string; assurance: string } },
  ) =>
    jwt.signAsync(
      { ...claims, city },
      { algorithm: 'ES256', privateKey: idpKey, issuer: 'guangfo-idp-it', audience: 'guangfo-api', expiresIn: 600 },
    );

  return {
    transport: 'kafka',
    kafka,
    baseUrl: (city) => `http://127.0.0.1:${ports[city]}`,
    stopNode,
    startNode,
    killNode,
    pid: (city) => procs.get(city)?.pid,
    signingKey: (city) => ({ keyId: `${city}-it`, privateKey: readFileSync(join(dir, `${city}.key`), 'utf8').trim() }),
    adminUrl: PG_ADMIN,
    sealer: (city) => new Sealer(parseSealingKeys(readFileSync(join(dir, `${city}.sealing.keys`), 'utf8'))),
    query: async <T>(city: string, sql: string, params?: unknown[]) => (await pools.get(city)!.query(sql, params)).rows as T[],
    inject: async (city, message) => {
      const topic = message.headers.ce_tocity ? inboundTopic(city) : PUBLIC_TOPIC;
      await producer.send({ topic, acks: -1, messages: [{ key: message.key, value: message.value, headers: message.headers }] });
    },
    // Residents get the real-name-verified identity of their city's demo resident (seeds/demo/users.yaml).
    // Clerks and supervisors work at their city's demo hall (which acts for an issuing body).
    token: (city, role) =>
      tokenWith(city, {
        sub: `${city}-${role}`,
        role,
        ...(role === 'resident' && RESIDENT_IDENTITY[city] ? { idv: RESIDENT_IDENTITY[city] } : {}),
        ...((role === 'clerk' || role === 'supervisor') && DEMO_HALL[city] ? { hall: DEMO_HALL[city] } : {}),
      }),
    tokenWith,
    close: async () => {
      for (const city of [...procs.keys()]) await stopNode(city);
      for (const p of pools.values()) await p.end();
      await producer.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
