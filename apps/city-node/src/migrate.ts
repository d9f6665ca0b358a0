import 'reflect-metadata';
import { runMigrations } from '@guangfo/platform';
import { ALL_MIGRATIONS } from './city-node.composition.js';

/** `npm run db:migrate` — applies every domain's pending migrations to DATABASE_URL. */
const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('DATABASE_URL: required (postgres://…)\n');
  process.exit(1);
}
runMigrations(url, ALL_MIGRATIONS)
  .then((done) => process.stdout.write(done.length ? `applied: ${done.join(', ')}\n` : 'database is up to date\n'))
  .catch((err: unknown) => {
    process.stderr.write(`migration failed: ${(err as Error).message}\n`);
    process.exit(1);
  });
