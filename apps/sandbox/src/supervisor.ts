import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CityProcessMessage, SANDBOX_CITY_ENV, type SandboxCitySpec } from './city-process.protocol.js';
import { EmbeddedDatabase } from './embedded-database.js';
import type { SandboxNodeSettings } from './sandbox-seeds.js';
import { SandboxSeeds } from './sandbox-seeds.js';

export interface SupervisorOptions extends SandboxNodeSettings {
  dataDir: string;
  pgPort?: number;
  /** Where the supervisor's own lines go (city exits, restarts); default stderr. */
  report?: (line: string) => void;
  /** How long a city process may take to stop before it is killed (default 15 s). */
  stopGraceMs?: number;
}

export interface RunningCity {
  city: string;
  pid: number;
  url: string;
}

interface CityState {
  child: ChildProcess;
  ready: boolean;
  exited: Promise<void>;
}

/** Like Promise.all, but waits for every start (none is left to reject unobserved), then throws the first failure. */
const settled = async <T>(starts: Promise<T>[]): Promise<T[]> => {
  const results = await Promise.allSettled(starts);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
};

/** The city process entry, next to this file (dist/apps/sandbox/src/city-process.js). */
const CITY_ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'city-process.js');

/**
 * `npm start`: starts the embedded PostgreSQL server once (one database per city), then forks one
 * process per city (`city-process.js`), each a full city node on its own port, and waits until
 * every one listens. A city process that exits is reported and not restarted automatically:
 * `restartExited()` (SIGUSR2 to the supervisor) starts the cities that are not running. `stop()`
 * stops the cities (SIGTERM, SIGKILL after the grace period), then PostgreSQL.
 */
export class SandboxSupervisor {
  readonly db: EmbeddedDatabase;
  private readonly cities = new Map<string, CityState>();
  private readonly report: (line: string) => void;
  private stopping = false;

  constructor(private readonly o: SupervisorOptions) {
    this.db = new EmbeddedDatabase(o.dataDir);
    this.report = o.report ?? ((line) => process.stderr.write(`${line}\n`));
  }

  /** Starts PostgreSQL and every city of `ports`, in parallel; if one fails to start, stops everything and throws. */
  async start(): Promise<RunningCity[]> {
    // Checks the seeds (demo secrets for every city) before anything starts.
    const seeds = new SandboxSeeds(this.o.seedsDir ?? 'seeds');
    for (const city of Object.keys(this.o.ports)) seeds.registry.require(city);
    await this.db.start(this.o.pgPort);
    try {
      for (const city of Object.keys(this.o.ports)) await this.db.ensureDatabase(SandboxSeeds.databaseName(city));
      return await settled(Object.keys(this.o.ports).map((city) => this.startCity(city)));
    } catch (err) {
      if (!this.stopping) await this.stop();
      throw err;
    }
  }

  /** Forks the city's process; resolves when its node listens, rejects if it exits first. */
  startCity(city: string): Promise<RunningCity> {
    if (this.cities.has(city)) return Promise.reject(new Error(`city ${city} is already running`));
    const spec: SandboxCitySpec = { city, databaseUrl: this.db.url(SandboxSeeds.databaseName(city)), settings: this.settings() };
    const child = fork(CITY_ENTRY, [], {
      env: { ...process.env, [SANDBOX_CITY_ENV]: JSON.stringify(spec) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // An inspector flag of the supervisor would make every city ask for the same port.
      execArgv: process.execArgv.filter((a) => !a.startsWith('--inspect')),
    });
    const state: CityState = { child, ready: false, exited: new Promise((r) => child.once('exit', () => r())) };
    this.cities.set(city, state);
    return new Promise((resolve, reject) => {
      child.on('message', (m: CityProcessMessage) => {
        if (m?.type !== 'ready' || state.ready) return;
        state.ready = true;
        resolve({ city, pid: m.pid, url: m.url });
      });
      child.once('exit', (code, signal) => {
        if (this.cities.get(city) === state) this.cities.delete(city);
        const how = signal ? `signal ${signal}` : `code ${code}`;
        if (!state.ready) reject(new Error(`city ${city} exited before it was ready (${how})`));
        else if (!this.stopping)
          this.report(`city ${city} (pid ${child.pid}) exited (${how}); not restarted: \`kill -USR2 ${process.pid}\` starts it again`);
      });
      child.once('error', (err) => reject(err));
    });
  }

  /** Starts every city of `ports` whose process is not running (SIGUSR2). */
  async restartExited(): Promise<RunningCity[]> {
    if (this.stopping) return [];
    const down = Object.keys(this.o.ports).filter((c) => !this.cities.has(c));
    return settled(down.map((city) => this.startCity(city)));
  }

  /** The pids of the running city processes. */
  pids(): Record<string, number | undefined> {
    return Object.fromEntries([...this.cities].map(([city, s]) => [city, s.child.pid]));
  }

  /** Stops every city (SIGTERM; SIGKILL after the grace period), then PostgreSQL. */
  async stop(): Promise<void> {
    this.stopping = true;
    const grace = this.o.stopGraceMs ?? 15_000;
    await Promise.all(
      [...this.cities.entries()].map(async ([city, s]) => {
        if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
        const timer = setTimeout(() => {
          this.report(`city ${city} did not stop within ${grace} ms: killing it`);
          s.child.kill('SIGKILL');
        }, grace);
        await s.exited;
        clearTimeout(timer);
      }),
    );
    this.cities.clear();
    await this.db.stop();
  }

  private settings(): SandboxNodeSettings {
    const { dataDir: _d, pgPort: _p, report: _r, stopGraceMs: _g, ...settings } = this.o;
    return settings;
  }
}
