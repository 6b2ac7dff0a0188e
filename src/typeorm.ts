/** Node-only storage engines built on TypeORM (SQLite embedded, Postgres and MySQL for servers). */
export { SqliteStorage, type SqliteOptions } from './storage/typeorm/sqlite-storage';
export {
  PostgresStorage,
  type PostgresOptions,
  type PostgresOpenOptions,
} from './storage/typeorm/postgres-storage';
export { MysqlStorage, type MysqlOptions, type MysqlOpenOptions } from './storage/typeorm/mysql-storage';
export { TypeOrmStorage, type TypeOrmStorageOptions } from './storage/typeorm/typeorm-storage';
export { SqlStorage } from './storage/typeorm/sql-storage';
export { StorageConflict, type ConflictRef } from './storage/conflict';
export { collectionEntitySchemas } from './storage/typeorm/model-schemas';
