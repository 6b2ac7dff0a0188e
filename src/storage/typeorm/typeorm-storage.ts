import {
  type BetterSqlite3DataSourceOptions,
  type MysqlDataSourceOptions,
  type PostgresDataSourceOptions,
} from './driver-options';
import { MysqlStorage } from './mysql-storage';
import { PostgresStorage } from './postgres-storage';
import { type SqlStorage } from './sql-storage';
import { SqliteStorage } from './sqlite-storage';

/** TypeORM DataSource options of the supported drivers. */
export type TypeOrmStorageOptions =
  | BetterSqlite3DataSourceOptions
  | PostgresDataSourceOptions
  | MysqlDataSourceOptions;

/** Opens SQL storage from TypeORM DataSource options (`better-sqlite3`, `postgres`, `mysql` or `mariadb`). */
export class TypeOrmStorage {
  private constructor() {}

  /** Opens the storage the options describe; entities and synchronize settings are ignored (the engine owns its tables). */
  static async open(options: TypeOrmStorageOptions): Promise<SqlStorage> {
    if (options.type === 'postgres') return PostgresStorage.fromOptions(options);
    if (options.type === 'better-sqlite3') {
      return SqliteStorage.open(
        options.database,
        options.timeout === undefined ? {} : { busyTimeout: options.timeout },
      );
    }
    const { type: _type, entities: _entities, synchronize: _synchronize, ...rest } = options;
    return MysqlStorage.open(rest);
  }
}
