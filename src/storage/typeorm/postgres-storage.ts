import { type DataSource } from 'typeorm';
import { type PostgresDataSourceOptions } from './driver-options';
import { postgresDialect } from './dialects/postgres';
import { openDataSource } from './open-storage';
import { type DdlLock, SqlStorage, type SqlStorageMode } from './sql-storage';
import { PG_LOCK_SPACE, postgresWriterLock } from './writer-lock';

/** Connection settings accepted by PostgresStorage.open besides a URL (TypeORM's Postgres options). */
export type PostgresOptions = Omit<PostgresDataSourceOptions, 'type' | 'entities' | 'synchronize'>;

/** Options of PostgresStorage.open besides the connection. */
export interface PostgresOpenOptions {
  /** The schema of the tables (created if missing); default: the connection's current schema. */
  readonly schema?: string;
  /** Milliseconds to wait for another writer to close the schema (single-writer mode; default 0). */
  readonly lockTimeout?: number;
  /**
   * Several nodes write this schema at once: no writer lock; every state write is a compare-and-set on the
   * stored head (docs/storage.md, "Shared mode"). Every node on the schema must open it shared.
   */
  readonly shared?: boolean;
}

/** The second advisory-lock key of a schema's DDL lock (the first is Ankurah's namespace). */
const DDL_KEY = `hashtext('ddl:' || COALESCE($2::text, current_schema()))`;

function ddlLock(schema: string | undefined): DdlLock {
  return {
    acquire: async (qr) => {
      await qr.query(`SELECT pg_advisory_lock($1, ${DDL_KEY})`, [PG_LOCK_SPACE, schema ?? null]);
    },
    release: async (qr) => {
      await qr.query(`SELECT pg_advisory_unlock($1, ${DDL_KEY})`, [PG_LOCK_SPACE, schema ?? null]);
    },
  };
}

/** Postgres storage through TypeORM and pg; text compares in the "C" collation, JSON fields are jsonb. */
export class PostgresStorage extends SqlStorage {
  protected constructor(ds: DataSource, mode: SqlStorageMode) {
    super(ds, postgresDialect, mode);
  }

  /**
   * Connects to a database by URL (`postgres://user@host:5432/db`) or options. With `{ schema }` the
   * tables live in that schema, which is created if missing. One writer per schema by default: refused with
   * StorageError while another node holds it; with `{ shared: true }` several nodes write it at once.
   */
  static async open(
    target: string | PostgresOptions,
    extra: PostgresOpenOptions = {},
  ): Promise<PostgresStorage> {
    const base: PostgresOptions = typeof target === 'string' ? { url: target } : target;
    const schema = extra.schema ?? base.schema;
    const where = `Postgres database at ${describe(base)}`;
    return openDataSource(
      { ...base, type: 'postgres', installExtensions: false, ...(schema ? { schema } : {}) },
      where,
      // Shared nodes hold the lock in shared mode: they keep a single writer out, not each other.
      (ds) =>
        postgresWriterLock(
          ds,
          schema,
          `${where}, ${schema ? `schema '${schema}'` : 'default schema'}`,
          extra.lockTimeout ?? 0,
          extra.shared ?? false,
        ),
      async (ds, lock) => {
        const ddl = ddlLock(schema);
        // Schema and tables are created under the DDL lock: nodes starting together never race.
        if (schema) {
          const qr = ds.createQueryRunner();
          try {
            await ddl.acquire(qr);
            try {
              await qr.query(`CREATE SCHEMA IF NOT EXISTS ${postgresDialect.quote(schema)}`);
            } finally {
              await ddl.release(qr);
            }
          } finally {
            await qr.release();
          }
        }
        const storage = new PostgresStorage(ds, {
          schema,
          lock,
          shared: extra.shared ?? false,
          ddlLock: ddl,
        });
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
