import { type DataSource } from 'typeorm';
import { type PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { postgresDialect } from './dialect';
import { openDataSource } from './open-storage';
import { SqlStorage } from './sql-storage';

/** Connection settings accepted by PostgresStorage.open besides a URL (TypeORM's Postgres options). */
export type PostgresOptions = Omit<PostgresDataSourceOptions, 'type' | 'entities' | 'synchronize'>;

/** Postgres storage through TypeORM and pg; text compares in the "C" collation, JSON fields are jsonb. */
export class PostgresStorage extends SqlStorage {
  protected constructor(ds: DataSource, schema: string | undefined) {
    super(ds, postgresDialect, schema);
  }

  /**
   * Connects to a database by URL (`postgres://user@host:5432/db`) or options. With `{ schema }` the
   * tables live in that schema, which is created if missing.
   */
  static async open(
    target: string | PostgresOptions,
    extra: { readonly schema?: string } = {},
  ): Promise<PostgresStorage> {
    const base: PostgresOptions = typeof target === 'string' ? { url: target } : target;
    const schema = extra.schema ?? base.schema;
    return openDataSource(
      { ...base, type: 'postgres', installExtensions: false, ...(schema ? { schema } : {}) },
      `Postgres database at ${describe(base)}`,
      async (ds) => {
        if (schema) await ds.query(`CREATE SCHEMA IF NOT EXISTS ${postgresDialect.quote(schema)}`);
        const storage = new PostgresStorage(ds, schema);
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
