import { type DataSource } from 'typeorm';
import { type PostgresDataSourceOptions } from './driver-options';
import { postgresDialect } from './dialect';
import { openDataSource } from './open-storage';
import { SqlStorage } from './sql-storage';
import { postgresWriterLock, type WriterLock } from './writer-lock';

/** Connection settings accepted by PostgresStorage.open besides a URL (TypeORM's Postgres options). */
export type PostgresOptions = Omit<PostgresDataSourceOptions, 'type' | 'entities' | 'synchronize'>;

/** Postgres storage through TypeORM and pg; text compares in the "C" collation, JSON fields are jsonb. */
export class PostgresStorage extends SqlStorage {
  protected constructor(ds: DataSource, schema: string | undefined, lock: WriterLock | undefined) {
    super(ds, postgresDialect, schema, lock);
  }

  /**
   * Connects to a database by URL (`postgres://user@host:5432/db`) or options. With `{ schema }` the
   * tables live in that schema, which is created if missing. One writer per schema: refused with
   * StorageError while another node holds it (`lockTimeout`: milliseconds to wait for it, default 0).
   */
  static async open(
    target: string | PostgresOptions,
    extra: { readonly schema?: string; readonly lockTimeout?: number } = {},
  ): Promise<PostgresStorage> {
    const base: PostgresOptions = typeof target === 'string' ? { url: target } : target;
    const schema = extra.schema ?? base.schema;
    const where = `Postgres database at ${describe(base)}`;
    return openDataSource(
      { ...base, type: 'postgres', installExtensions: false, ...(schema ? { schema } : {}) },
      where,
      // The lock comes first, so only the writer creates the schema and tables (no DDL race).
      (ds) =>
        postgresWriterLock(
          ds,
          schema,
          `${where}, ${schema ? `schema '${schema}'` : 'default schema'}`,
          extra.lockTimeout ?? 0,
        ),
      async (ds, lock) => {
        if (schema) await ds.query(`CREATE SCHEMA IF NOT EXISTS ${postgresDialect.quote(schema)}`);
        const storage = new PostgresStorage(ds, schema, lock);
        await storage.load();
        return storage;
      },
    );
  }

  /** Opens Postgres storage from full TypeORM options (used by TypeOrmStorage). */
  static async fromOptions(options: PostgresDataSourceOptions): Promise<PostgresStorage> {
    const { type: _type, ...rest } = options;
    return PostgresStorage.open(rest);
  }
}

/** host:port/database of the target, without credentials. */
function describe(o: PostgresOptions): string {
  if (o.url) {
    try {
      const u = new URL(o.url);
      return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
    } catch {
      return `'${o.url.replace(/\/\/[^@/]*@/, '//')}' (not a valid URL)`;
    }
  }
  return `${o.host ?? 'localhost'}:${o.port ?? 5432}/${o.database ?? ''}`;
}
