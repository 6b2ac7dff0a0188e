import type Database from 'better-sqlite3';
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type Pool, type PoolClient } from 'pg';
import { type DataSource } from 'typeorm';
import { type PostgresDataSourceOptions } from './driver-options';
import { StorageError } from '../../errors/errors';

/**
 * The single-writer lock of a SQL database: one durable node at a time writes one SQLite file or one Postgres
 * schema (two writers lose acknowledged writes). The lock belongs to a connection of its own, so the operating
 * system (SQLite) or the server (Postgres) releases it when the process dies.
 */
export interface WriterLock {
  /** Resolves when the lock is (still, or again) held; rejects with the writer-locked StorageError otherwise. */
  ensureHeld(): Promise<void>;
  /** True while the lock is known to be held (no round trip). */
  readonly held: boolean;
  release(): Promise<void>;
}

/** Postgres advisory-lock namespace of Ankurah ('anku'); the second key is hashtext(schema). */
const PG_LOCK_SPACE = 0x616e6b75;

/** The error of a second writer: names the database and says how to fix it. */
export function writerLockedError(target: string, cause?: unknown): StorageError {
  return new StorageError(
    'STORAGE',
    `Cannot open ${target} for writing: another Ankurah node (in this process or another) holds it, and two ` +
      'writers on one database lose acknowledged writes. Fix: close the other node (node.close() or ' +
      'storage.close()) or give this node its own database; to wait for a node that is shutting down, pass ' +
      '{ lockTimeout } in milliseconds; to serve clients from several processes, connect them as clients ' +
      'of the one durable node (docs/deployment.md)',
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Takes the writer lock of a SQLite file: an exclusive transaction, held open, on the sidecar file
 * `<file>-lock` through a connection of its own. SQLite's file locks are seen by every connection of this
 * process and of others on the machine, and are released on close and when the process dies.
 * Returns undefined for private databases (':memory:' and '').
 */
export function sqliteWriterLock(
  open: new (path: string, options?: Database.Options) => Database.Database,
  path: string,
  waitMs: number,
): WriterLock | undefined {
  if (path === ':memory:' || path === '') return undefined;
  const file = `${canonical(path)}-lock`;
  const db = new open(file);
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(waitMs))}`);
    db.pragma('journal_mode = MEMORY');
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')
      throw writerLockedError(`SQLite database '${path}'`, e);
    throw e;
  }
  return {
    held: true,
    ensureHeld: async () => undefined,
    release: async () => {
      if (db.open) db.close();
    },
  };
}

/** The path SQLite would lock for `path` (symlinks and `.`/`..` resolved), so every spelling shares one lock. */
function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

interface PostgresDriverInternals {
  readonly options: PostgresDataSourceOptions;
  createPool(options: PostgresDataSourceOptions, credentials: object): Promise<Pool>;
}

/**
 * Takes the writer lock of a Postgres schema: a session-level advisory lock keyed by the schema name, held
 * on a dedicated connection (a pool of one, with the DataSource's credentials) for the storage's lifetime.
 * Postgres releases it when that session ends (close, process death, a dropped connection). When the session
 * is lost, the next write takes the lock again or is refused.
 */
export async function postgresWriterLock(
  ds: DataSource,
  schema: string | undefined,
  target: string,
  waitMs: number,
): Promise<WriterLock> {
  const driver = ds.driver as unknown as PostgresDriverInternals;
  const { options } = driver;
  const credentials = options.replication?.master ?? options;
  const pool = await driver.createPool({ ...options, poolSize: 1 }, credentials);
  // The session holding the lock, and how to end it.
  let client: { readonly c: PoolClient; readonly end: () => void } | undefined;
  let released = false;
  let retaking: Promise<void> | undefined;

  const acquire = async (): Promise<void> => {
    const c = await pool.connect();
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      if (client?.c === c) client = undefined;
      c.release(true);
    };
    // A lost session must not crash the process; it only marks the lock as lost.
    c.on('error', end);
    c.on('end', end);
    try {
      if (!(await tryLock(c, schema, waitMs))) throw writerLockedError(target);
    } catch (e) {
      end();
      throw e;
    }
    if (ended) throw writerLockedError(target);
    client = { c, end };
  };

  try {
    await acquire();
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }
  return {
    get held() {
      return client !== undefined;
    },
    ensureHeld: async () => {
      if (client || released) return;
      // Concurrent writes after a loss share one attempt (the pool has a single connection).
      retaking ??= acquire().finally(() => {
        retaking = undefined;
      });
      await retaking;
    },
    release: async () => {
      released = true;
      const held = client;
      // Unlock explicitly: the server would only notice a closed socket a moment later.
      if (held) await held.c.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      held?.end();
      await pool.end().catch(() => undefined);
    },
  };
}

/** Takes the advisory lock of the schema on `c`, waiting up to waitMs; false when another session holds it. */
async function tryLock(c: PoolClient, schema: string | undefined, waitMs: number): Promise<boolean> {
  const key = `hashtext(COALESCE($2::text, current_schema()))`;
  if (waitMs <= 0) {
    const r = await c.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock($1, ${key}) AS ok`, [
      PG_LOCK_SPACE,
      schema ?? null,
    ]);
    return r.rows[0]?.ok === true;
  }
  await c.query(`SET lock_timeout = ${Math.floor(waitMs)}`);
  try {
    await c.query(`SELECT pg_advisory_lock($1, ${key})`, [PG_LOCK_SPACE, schema ?? null]);
    return true;
  } catch (e) {
    // 55P03 lock_not_available: the wait ran out.
    if ((e as { code?: unknown }).code === '55P03') return false;
    throw e;
  } finally {
    await c.query('RESET lock_timeout').catch(() => undefined);
  }
}
