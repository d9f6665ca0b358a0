import { DataSource, type MixedList } from 'typeorm';
import { buildDataSourceOptions } from './data-source.options.js';

const MIGRATION_LOCK = 7_440_100_002;

/** Runs pending migrations under an advisory lock, so two processes never migrate at once. */
export const runMigrations = async (databaseUrl: string, migrations: MixedList<string | (new () => unknown)>): Promise<string[]> => {
  const ds = new DataSource(buildDataSourceOptions(databaseUrl, migrations));
  await ds.initialize();
  try {
    await ds.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const done = await ds.runMigrations({ transaction: 'each' });
      return done.map((m) => m.name);
    } finally {
      await ds.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await ds.destroy();
  }
};
