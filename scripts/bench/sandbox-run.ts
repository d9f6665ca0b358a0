import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { inspectionPool } from './common.js';
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
    const token = async (city: string, username: string) => {
      const res = await fetch(`${base(city)}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username }),
      });
      if (!res.ok) throw new Error(`token for ${username}: ${res.status}`);
      return ((await res.json()) as { accessToken: string }).accessToken;
    };
    const pgVersion = (await db[GZ]!.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v;
    return { sandbox, ports, base, db, token, pgVersion, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
};
