import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { parse } from 'yaml';
import { signInterchangeRequest } from '@guangfo/federation';
import { Sealer } from '@guangfo/gm-crypto';
import { EMBEDDED_DELIVERY_PATH, sourceCity } from '@guangfo/messaging';
import { freePort } from '../../apps/sandbox/src/embedded-database.js';
import { type TestCluster, waitFor } from './cluster.js';

const DEMO_USERS: Record<string, Record<string, string>> = {
  '440100': { resident: 'gz-resident', clerk: 'gz-clerk', admin: 'gz-admin', supervisor: 'gz-supervisor' },
  '440600': { resident: 'fs-resident', clerk: 'fs-clerk', admin: 'fs-admin', supervisor: 'fs-supervisor' },
  // seeds/fixtures/out-of-province (SANDBOX_SEEDS_DIR)
  '430100': { resident: 'cs-resident', clerk: 'cs-clerk', admin: 'cs-admin' },
};

interface DemoSecrets {
  cities: Record<string, { signingKey: { keyId: string; privateKeyHex: string }; sealingKeys: { keyId: string; keyHex: string }[] }>;
}

export interface ProcessSandbox extends TestCluster {
  /** The supervisor (`node dist/apps/sandbox/src/main.js`, what `npm start` runs). */
  readonly supervisor: ChildProcess;
  /** The pid of each city's process, as the supervisor announced it (updated on restart). */
  pids(): Record<string, number>;
  /** What the supervisor wrote to stderr so far. */
  stderr(): string;
  /** Stops the supervisor with SIGTERM and resolves with its exit code once it has exited. */
  terminate(): Promise<number | null>;
  close(): Promise<void>;
}

/**
 * `npm start` as a test runs it: the built supervisor (run `npm run build` first) in a temp data
 * directory on free ports. Each city is a process of its own; `stopNode` kills one (SIGKILL, a crash)
 * and waits for the supervisor to report it, `startNode` asks the supervisor to start the cities
 * that are down (SIGUSR2) and waits for the new process to be ready.
 */
export const startProcessSandbox = async (cities = ['440100', '440600'], opts: { seedsDir?: string } = {}): Promise<ProcessSandbox> => {
  const dir = mkdtempSync(join(tmpdir(), 'guangfo-procs-'));
  const ports: Record<string, number> = {};
  for (const c of cities) ports[c] = await freePort();
  const pgPort = await freePort();
  const secrets = parse(readFileSync(join(opts.seedsDir ?? 'seeds', 'demo/secrets.yaml'), 'utf8')) as DemoSecrets;
  const supervisor = spawn(process.execPath, ['dist/apps/sandbox/src/main.js'], {
    env: {
      PATH: process.env.PATH,
      SANDBOX_DATA_DIR: dir,
      SANDBOX_PORTS: cities.map((c) => `${c}=${ports[c]}`).join(','),
      SANDBOX_PG_PORT: String(pgPort),
      LOG_LEVEL: 'warn',
      ...(opts.seedsDir ? { SANDBOX_SEEDS_DIR: opts.seedsDir } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const pids: Record<string, number> = {};
  supervisor.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    // "  佛山市 Foshan (440600): http://127.0.0.1:3001   console: …   Swagger UI: …   pid 1234" (at start and on restart)
    for (const m of stdout.matchAll(/\((\d{6})\): http:\/\/\S+ .* pid (\d+)/g)) pids[m[1]] = Number(m[2]);
  });
  supervisor.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((r) => supervisor.once('exit', (code) => r(code)));
  const alive = () => {
    if (supervisor.exitCode !== null) throw new Error(`the sandbox exited ${supervisor.exitCode}: ${stderr}`);
  };
  const baseUrl = (city: string) => `http://127.0.0.1:${ports[city]}`;
  const ready = async (city: string) => (await fetch(`${baseUrl(city)}/health/ready`)).ok;

  try {
    await waitFor(
      'the sandbox to print that it runs',
      async () => {
        alive();
        return stdout.includes('Stop with Ctrl-C');
      },
      170_000,
      250,
    );
    for (const c of cities) await waitFor(`${c} ready`, () => ready(c));
  } catch (err) {
    if (supervisor.exitCode === null) supervisor.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const pools = new Map<string, pg.Pool>();
  const tokenFor = async (city: string, username: string) =>
    ((await request(baseUrl(city)).post('/api/v1/auth/token').send({ username }).expect(200)).body as { accessToken: string }).accessToken;

  const cluster: ProcessSandbox = {
    transport: 'embedded',
    supervisor,
    pids: () => ({ ...pids }),
    stderr: () => stderr,
    baseUrl,
    stopNode: async (city) => {
      const pid = pids[city];
      process.kill(pid, 'SIGKILL');
      await waitFor(`the supervisor to see ${city} exit`, async () => stderr.includes(`city ${city} (pid ${pid}) exited`));
    },
    startNode: async (city) => {
      const before = pids[city];
      alive();
      supervisor.kill('SIGUSR2');
      await waitFor(
        `${city} restarted`,
        async () => {
          alive();
          return pids[city] !== before && (await ready(city).catch(() => false));
        },
        120_000,
        250,
      );
    },
    query: async <T>(city: string, sql: string, params?: unknown[]) => {
      if (!pools.has(city)) {
        const pool = new pg.Pool({ connectionString: `postgres://guangfo:sandbox@127.0.0.1:${pgPort}/guangfo_${city}`, max: 2 });
        pool.on('error', () => undefined); // idle connections end when the sandbox stops PostgreSQL
        pools.set(city, pool);
      }
      return (await pools.get(city)!.query(sql, params)).rows as T[];
    },
    // On the wire as a peer node puts it: POSTed to the city's delivery endpoint, signed by the event's source city.
    inject: async (city, message) => {
      const from = sourceCity(message.headers.ce_source ?? '') ?? cities.find((c) => c !== city)!;
      const key = secrets.cities[from].signingKey;
      const headers = signInterchangeRequest({
        method: 'POST',
        path: EMBEDDED_DELIVERY_PATH,
        fromCity: from,
        toCity: city,
        keyId: key.keyId,
        privateKeyHex: key.privateKeyHex,
      });
      await request(baseUrl(city)).post(EMBEDDED_DELIVERY_PATH).set(headers).send(message).expect(200);
    },
    sealer: (city) => new Sealer(secrets.cities[city].sealingKeys),
    token: (city, role) => tokenFor(city, DEMO_USERS[city][role]),
    terminate: async () => {
      if (supervisor.exitCode === null) supervisor.kill('SIGTERM');
      return exited;
    },
    close: async () => {
      for (const p of pools.values()) await p.end();
      pools.clear();
      if (supervisor.exitCode === null) {
        supervisor.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
};
