import { type BetterSqlite3DataSourceOptions } from './driver-options';
import { type PostgresDataSourceOptions } from './driver-options';
import { PostgresStorage } from './postgres-storage';
import { type SqlStorage } from './sql-storage';
import { SqliteStorage } from './sqlite-storage';

/** TypeORM DataSource options of the supported drivers. */
export type TypeOrmStorageOptions = BetterSqlite3DataSourceOptions | PostgresDataSourceOptions;

/** Opens SQL storage from TypeORM DataSource options (`better-sqlite3` or `postgres`). */
export class TypeOrmStorage {
  private constructor() {}

  /** Opens the storage the options describe; entities and synchronize settings are ignored (the engine owns its tables). */
  static async open(options: TypeOrmStorageOptions): Promise<SqlStorage> {
    if (options.type === 'postgres') return PostgresStorage.fromOptions(options);
    return SqliteStorage.open(
      options.database,
      options.timeout === undefined ? {} : { busyTimeout: options.timeout },
    );
  }
}
