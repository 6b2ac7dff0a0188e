import { type DataSourceOptions } from 'typeorm';

/*
 * Driver option types picked from typeorm's root export: its deep paths (typeorm/driver/...) are not in its
 * exports map, so declarations naming them would not resolve under `moduleResolution: bundler` or `node16`.
 */

/** TypeORM's Postgres data source options. */
export type PostgresDataSourceOptions = Extract<DataSourceOptions, { type: 'postgres' }>;

/** TypeORM's better-sqlite3 data source options. */
export type BetterSqlite3DataSourceOptions = Extract<DataSourceOptions, { type: 'better-sqlite3' }>;

/** TypeORM's MySQL/MariaDB data source options. */
export type MysqlDataSourceOptions = Extract<DataSourceOptions, { type: 'mysql' | 'mariadb' }>;
