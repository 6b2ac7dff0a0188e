import { type DataSource } from 'typeorm';
import { type MysqlDataSourceOptions } from './driver-options';
import { mysqlDialect } from './dialects/mysql';
import { mysqlDdlLock, mysqlWriterLock } from './mysql-locks';
import { openDataSource } from './open-storage';
import { SqlStorage, type SqlStorageMode } from './sql-storage';

/** Connection settings accepted by MysqlStorage.open besides a URL (TypeORM's MySQL options). */
export type MysqlOptions = Omit<MysqlDataSourceOptions, 'type' | 'entities' | 'synchronize'>;

/** Options of MysqlStorage.open besides the connection. */
export interface MysqlOpenOptions {
  /** Milliseconds to wait for another writer to close the database (single-writer mode; default 0). */
  readonly lockTimeout?: number;
  /** Several nodes write this database at once, compare-and-set on heads (docs/storage.md, "Shared mode"). */
  readonly shared?: boolean;
}

/**
 * MySQL-protocol storage through TypeORM and mysql2: MySQL 8, MariaDB 10.6+ and TiDB. Text columns use a
 * binary no-pad collation (code-point order, trailing spaces kept); queries on JSON paths read the rows with
 * the field present and are evaluated in memory.
 */
export class MysqlStorage extends SqlStorage {
  protected constructor(ds: DataSource, collation: string, mode: SqlStorageMode) {
    super(ds, mysqlDialect(collation), mode);
  }

  /**
   * Connects to a database by URL (`mysql://user@host:3306/db`) or options. One writer per database by
   * default: refused with StorageError while another node holds it; with `{ shared: true }` several nodes
   * write it at once.
   */
  static async open(target: string | MysqlOptions, extra: MysqlOpenOptions = {}): Promise<MysqlStorage> {
    const base: MysqlOptions = typeof target === 'string' ? { url: target } : target;
    const where = `MySQL database at ${describe(base)}`;
    let database = '';
    return openDataSource(
      { charset: 'utf8mb4', ...base, type: 'mysql' },
      where,
      async (ds) => {
        const rows = await ds.query<{ db: string | null }[]>('SELECT DATABASE() AS db');
        database = rows[0]?.db ?? '';
        return extra.shared ? undefined : mysqlWriterLock(ds, database, where, extra.lockTimeout ?? 0);
      },
      async (ds, lock) => {
        const rows = await ds.query<{ v: string }[]>('SELECT VERSION() AS v');
        // MariaDB's utf8mb4_bin pads trailing spaces ('a' = 'a '); its no-pad twin does not.
        const collation = /mariadb/i.test(rows[0]?.v ?? '') ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin';
        const mode = { lock, shared: extra.shared ?? false, ddlLock: mysqlDdlLock(database) };
        const storage = new MysqlStorage(ds, collation, mode);
        await storage.load();
        return storage;
      },
    );
  }
}

/** host:port/database of the target, without credentials. */
function describe(o: MysqlOptions): string {
  if (o.url) {
    try {
      const u = new URL(o.url);
      return `${u.hostname}:${u.port || '3306'}${u.pathname}`;
    } catch {
      return `'${o.url.replace(/\/\/[^@/]*@/, '//')}' (not a valid URL)`;
    }
  }
  return `${o.host ?? 'localhost'}:${o.port ?? 3306}/${o.database ?? ''}`;
}
