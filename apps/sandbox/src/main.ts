import 'reflect-metadata';
import { resolve } from 'node:path';
import { z } from 'zod';
import { CityRegistry } from '@guangfo/platform';
import { type RunningCity, SandboxSupervisor } from './supervisor.js';

const envSchema = z.object({
  SANDBOX_DATA_DIR: z.string().default('data'),
  /** Seeds other than ./seeds, e.g. seeds/fixtures/out-of-province (a third city in another province). */
  SANDBOX_SEEDS_DIR: z.string().default('seeds'),
  SANDBOX_BASE_PORT: z.coerce.number().int().min(1).max(65000).default(3000),
  SANDBOX_PORTS: z
    .string()
    .regex(/^\d{6}=\d+(,\d{6}=\d+)*$/, 'must look like 440100=3000,440600=3001')
    .optional(),
  SANDBOX_HOST: z.string().default('127.0.0.1'),
  SANDBOX_PG_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  SANDBOX_WEBHOOK_LOOPBACK: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
});

/**
 * `npm start`: every city of the registry, each a node in its own process on its own port, one
 * embedded PostgreSQL server (started here, one database per city), the embedded transport over
 * signed loopback HTTP between the city processes.
 */
const main = async (): Promise<void> => {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(
      `Invalid configuration (sandbox):\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const env = parsed.data;
  const registry = CityRegistry.fromFile(resolve(env.SANDBOX_SEEDS_DIR, 'cities.yaml'), true);
  const ports: Record<string, number> = env.SANDBOX_PORTS
    ? Object.fromEntries(
        env.SANDBOX_PORTS.split(',')
          .map((p) => p.split('='))
          .map(([c, n]) => [c, Number(n)]),
      )
    : Object.fromEntries(registry.all().map((c, i) => [c.code, env.SANDBOX_BASE_PORT + i]));
  const supervisor = new SandboxSupervisor({
    dataDir: env.SANDBOX_DATA_DIR,
    seedsDir: env.SANDBOX_SEEDS_DIR,
    ports,
    host: env.SANDBOX_HOST,
    pgPort: env.SANDBOX_PG_PORT,
    logLevel: env.LOG_LEVEL,
    webhookLoopback: env.SANDBOX_WEBHOOK_LOOPBACK,
  });

  let stopping: Promise<void> | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    process.stderr.write(`\n${signal}: stopping the city processes, then PostgreSQL\n`);
    stopping = supervisor.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  // Ctrl-C reaches every process of the terminal's group; the city processes also get it from here (once is enough).
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const cityLine = (c: RunningCity) => {
    const city = registry.require(c.city);
    return `  ${city.nameZh} ${city.nameEn} (${c.city}): ${c.url}   console: ${c.url}/console/   Swagger UI: ${c.url}/docs   pid ${c.pid}`;
  };
  process.on('SIGUSR2', () => {
    supervisor.restartExited().then(
      (started) => process.stdout.write(started.length ? `restarted:\n${started.map(cityLine).join('\n')}\n` : 'every city is running\n'),
      (err: unknown) => process.stderr.write(`restart failed: ${(err as Error).message}\n`),
    );
  });

  let running: RunningCity[];
  try {
    running = await supervisor.start();
  } catch (err) {
    // Stopped by a signal while starting: let that stop finish (it exits).
    if (stopping) return void (await stopping);
    throw err;
  }
  const lines = [
    '',
    `广佛通办 embedded sandbox is running: one process per city (supervisor pid ${process.pid}), embedded PostgreSQL on 127.0.0.1:${supervisor.db.port}, embedded transport over signed loopback HTTP; data in ${resolve(env.SANDBOX_DATA_DIR)}`,
    ...running.map(cityLine),
    '',
    'Get a demo token (users: gz-resident, fs-resident, gz-clerk, fs-clerk, gz-admin, fs-admin, … see seeds/demo/users.yaml):',
    `  curl -s -X POST ${running[0]?.url}/api/v1/auth/token -H 'content-type: application/json' -d '{"username":"gz-admin"}'`,
    'Partner demo API keys (X-API-Key header) are in seeds/demo/users.yaml.',
    `A city process that exits is not restarted; \`kill -USR2 ${process.pid}\` starts the ones that are down.`,
    'Stop with Ctrl-C.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
};

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
