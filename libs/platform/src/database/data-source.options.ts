import type { DataSourceOptions, MixedList } from 'typeorm';

/** One city database; one schema per domain; migrations only, never `synchronize`. */
export const buildDataSourceOptions = (
  databaseUrl: string,
  migrations: MixedList<string | (new () => unknown)>,
  entities: MixedList<string | (new () => unknown)> = [],
): DataSourceOptions => ({
  type: 'postgres',
  url: databaseUrl,
  synchronize: false,
  migrationsRun: false,
  migrationsTableName: 'schema_migrations',
  migrationsTransactionMode: 'each',
  migrations: migrations as DataSourceOptions['migrations'],
  entities: entities as DataSourceOptions['entities'],
  extra: { max: 10, application_name: 'guangfo-node' },
});
