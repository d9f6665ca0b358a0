import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { inspectionPool } from './common.js';
import { type CpuReading, sandboxCpu } from './process-cpu.js';
import { freePort, Sandbox } from './project.js';

export const GZ = '440100';
export const FS = '440600';

/** The embedded sandbox (both cities in this process, embedded PostgreSQL, embedded transport) in a temp directory. */
export interface SandboxRun {
  sandbox: Sandbox;
  ports: Record<string, number>;
  base(city: string): string;
  /** Direct pools on each city's database (inspection and baselines; never used by the nodes). */
  db: Record<string, pg.Pool>;
  token(city: string, username: string): Promise<string>;
  pgVersion: string;
  close(): Promise<void>;
}

/** What P1 and P2 need: the nodes over HTTP and their databases; with a process sandbox on Linux, its processes' CPU. */
export type HttpSandboxRun = Omit<SandboxRun, 'sandbox'> & { cpu?: () => CpuReading };

/** A demo user's token from the sandbox token endpoint. */
const tokenFrom =
  (base: (city: string) => string) =>
  async (city: string, username: string): Promise<string> => {
    const res = await fetch(`${base(city)}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username }),
    });
    if (!res.ok) throw new Error(`token for ${username}: ${res.status}`);
    return ((await res.json()) as { accessToken: string }).accessToken;
  };

export const startSandbox = async (poolSize: number): Promise<SandboxRun> => {
  const dir = mkdtempSync(join(tmpdir(), 'guangfo-bench-'));
  const ports: Record<string, number> = { [GZ]: await freePort(), [FS]: await freePort() };
  const sandbox = new Sandbox({ dataDir: dir, ports, logLevel: process.env.BENCH_LOG_LEVEL ?? 'silent' });
  const db: Record<string, pg.Pool> = {};
  const close = async () => {
    for (const p of Object.values(db)) await p.end();
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await sandbox.start();
    for (const city of [GZ, FS]) db[city] = inspectionPool(sandbox.db.url(Sandbox.databaseName(city)), poolSize);
    const base = (city: string) => `http://127.0.0.1:${ports[city]}/api/v1`;
    const token = tokenFrom(base);
    const pgVersion = (await db[GZ]!.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v;
    return { sandbox, ports, base, db, token, pgVersion, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
};

/**
 * What `npm start` runs: the sandbox supervisor (`dist/apps/sandbox/src/main.js`), one process per
 * city on the shared embedded PostgreSQL, in a temp directory on free ports. P1 and P2 measure this;
 * `sandbox` is absent (the nodes live in other processes).
 */
export const startProcessSandbox = async (poolSize: number): Promise<HttpSandboxRun> => {
  const dir = mkdtempSync(join(tmpdir(), 'guangfo-bench-procs-'));
  const ports: Record<string, number> = { [GZ]: await freePort(), [FS]: await freePort() };
  const pgPort = await freePort();
  // BENCH_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`: node flags for the supervisor, which forks each city with them.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const supervisor = spawn(process.execPath, [...nodeArgs, fileURLToPath(new URL('../../apps/sandbox/src/main.js', import.meta.url))], {
    env: {
      PATH: process.env.PATH,
      SANDBOX_DATA_DIR: dir,
      SANDBOX_PORTS: `${GZ}=${ports[GZ]},${FS}=${ports[FS]}`,
      SANDBOX_PG_PORT: String(pgPort),
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  supervisor.stdout.on('data', (d: Buffer) => (out += d.toString()));
  supervisor.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => supervisor.once('exit', () => r()));
  const db: Record<string, pg.Pool> = {};
  const base = (city: string) => `http://127.0.0.1:${ports[city]}/api/v1`;
  const close = async () => {
    for (const p of Object.values(db)) await p.end();
    if (supervisor.exitCode === null) supervisor.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const t0 = Date.now();
    for (;;) {
      if (supervisor.exitCode !== null) throw new Error(`the sandbox exited ${supervisor.exitCode}: ${out.slice(-2000)}`);
      if (out.includes('Stop with Ctrl-C')) break;
      if (Date.now() - t0 > 180_000) throw new Error(`the sandbox did not start in 180 s: ${out.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const city of [GZ, FS]) {
      db[city] = inspectionPool(`postgres://guangfo:sandbox@127.0.0.1:${pgPort}/${Sandbox.databaseName(city)}`, poolSize);
    }
    const token = tokenFrom(base);
    const pgVersion = (await db[GZ]!.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v;
    const cpu = supervisor.pid === undefined ? undefined : sandboxCpu(supervisor.pid, dir);
    return { ports, base, db, token, pgVersion, close, ...(cpu ? { cpu } : {}) };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
};
