import 'reflect-metadata';
import { allMigrations, resealKeysOf } from '@guangfo/node';
import { ConfigError, loadCityNodeConfig, runMigrations } from '@guangfo/platform';

/**
 * `npm run db:migrate` — applies every domain's pending migrations to DATABASE_URL. Reads the
 * node's whole configuration: the re-sealing migrations need EVENT_SIGNING_KEY (the old schemes
 * derived from it) and DATA_SEALING_KEYS.
 */
let config;
try {
  config = loadCityNodeConfig(process.env);
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(1);
}
runMigrations(config.databaseUrl, allMigrations(resealKeysOf(config)))
  .then((done) => process.stdout.write(done.length ? `applied: ${done.join(', ')}\n` : 'database is up to date\n'))
  .catch((err: unknown) => {
    process.stderr.write(`migration failed: ${(err as Error).message}\n`);
    process.exit(1);
  });
