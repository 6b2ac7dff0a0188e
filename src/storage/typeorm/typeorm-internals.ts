import type Database from 'better-sqlite3';
import { type Pool } from 'pg';
import { type DataSource } from 'typeorm';
import { type PostgresDataSourceOptions } from './driver-options';

/**
 * The one place that reaches into TypeORM members outside its public API (checked against the installed
 * TypeORM by test/integration/storage/typeorm-internals.test.ts). Each use says why the public API does not do.
 */
export const TYPEORM_INTERNALS_TESTED = /^1\.1\./;

interface BetterSqlite3DriverInternals {
  readonly databaseConnection?: Database.Database;
  readonly sqlite: new (file: string, options?: Database.Options) => Database.Database;
}

interface PostgresDriverInternals {
  readonly options: PostgresDataSourceOptions;
  createPool(options: PostgresDataSourceOptions, credentials: object): Promise<Pool>;
}

/** The better-sqlite3 connection of a DataSource: commits bind prepared statements on it synchronously. */
export function sqliteConnection(ds: DataSource): Database.Database | undefined {
  return (ds.driver as unknown as BetterSqlite3DriverInternals).databaseConnection;
}

/** The better-sqlite3 constructor the driver loaded (the writer lock opens its own file with it). */
export function sqliteConstructor(
  ds: DataSource,
): new (file: string, options?: Database.Options) => Database.Database {
  return (ds.driver as unknown as BetterSqlite3DriverInternals).sqlite;
}

/**
 * A pool of one connection with the DataSource's credentials, outside TypeORM's pool: a session-level lock
 * held on it is not handed to other queries, and its loss is seen.
 */
export async function postgresSessionPool(ds: DataSource): Promise<Pool> {
  const driver = ds.driver as unknown as PostgresDriverInternals;
  const { options } = driver;
  const credentials = options.replication?.master ?? options;
  return driver.createPool({ ...options, poolSize: 1 }, credentials);
}

/** Rebuilds entity metadata after setOptions: DataSource fixes it at initialize(), collections appear later. */
export async function rebuildMetadata(ds: DataSource): Promise<void> {
  await (ds as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
}
