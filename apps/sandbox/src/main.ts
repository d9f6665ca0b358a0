import 'reflect-metadata';
import { resolve } from 'node:path';
import { z } from 'zod';
import { CityRegistry } from '@guangfo/platform';
import { Sandbox } from './sandbox.js';

const envSchema = z.object({
  SANDBOX_DATA_DIR: z.string().default('data'),
  SANDBOX_BASE_PORT: z.coerce.number().int().min(1).max(65000).default(3000),
  SANDBOX_PORTS: z.string().regex(/^\d{6}=\d+(,\d{6}=\d+)*$/, 'must look like 440100=3000,440600=3001').optional(),
  SANDBOX_HOST: z.string().default('127.0.0.1'),
  SANDBOX_PG_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  SANDBOX_WEBHOOK_LOOPBACK: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
});

/** `npm start`: every city of the registry, each on its own port, embedded PostgreSQL, embedded transport. */
const main = async (): Promise<void> => {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration (sandbox):\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const env = parsed.data;
  const registry = CityRegistry.fromFile(resolve('seeds/cities.yaml'), true);
  const ports: Record<string, number> = env.SANDBOX_PORTS
    ? Object.fromEntries(env.SANDBOX_PORTS.split(',').map((p) => p.split('=')).map(([c, n]) => [c, Number(n)]))
    : Object.fromEntries(registry.all().map((c, i) => [c.code, env.SANDBOX_BASE_PORT + i]));
  const sandbox = new Sandbox({ dataDir: env.SANDBOX_DATA_DIR, ports, host: env.SANDBOX_HOST, pgPort: env.SANDBOX_PG_PORT, logLevel: env.LOG_LEVEL, webhookLoopback: env.SANDBOX_WEBHOOK_LOOPBACK });
  await sandbox.start();
  const stop = () => {
    sandbox.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const lines = [
    '',
    '广佛通办 embedded sandbox is running (embedded PostgreSQL, embedded transport; data in ' + resolve(env.SANDBOX_DATA_DIR) + ')',
    ...Object.entries(ports).map(([city, port]) => {
      const c = registry.require(city);
      return `  ${c.nameZh} ${c.nameEn} (${city}): http://${env.SANDBOX_HOST}:${port}   Swagger UI: http://${env.SANDBOX_HOST}:${port}/docs`;
    }),
    '',
    'Get a demo token (users: gz-resident, fs-resident, gz-clerk, fs-clerk, gz-admin, fs-admin, … see seeds/demo/users.yaml):',
    `  curl -s -X POST http://${env.SANDBOX_HOST}:${Object.values(ports)[0]}/api/v1/auth/token -H 'content-type: application/json' -d '{"username":"gz-admin"}'`,
    'Partner demo API keys (X-API-Key header) are in seeds/demo/users.yaml.',
    'Stop with Ctrl-C.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
};

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
