/** Node-only storage engines built on TypeORM (SQLite embedded, Postgres for servers). */
export { SqliteStorage, type SqliteOptions } from './storage/typeorm/sqlite-storage';
export { PostgresStorage, type PostgresOptions } from './storage/typeorm/postgres-storage';
export { TypeOrmStorage, type TypeOrmStorageOptions } from './storage/typeorm/typeorm-storage';
export { SqlStorage } from './storage/typeorm/sql-storage';
export { collectionEntitySchemas } from './storage/typeorm/model-schemas';
