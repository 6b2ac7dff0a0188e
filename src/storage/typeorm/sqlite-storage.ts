import type Database from 'better-sqlite3';
import { type DataSource } from 'typeorm';
import { sqliteDialect } from './dialects/sqlite';
import { openDataSource } from './open-storage';
import { SqlStorage } from './sql-storage';
import { type CommitBatch } from '../engine';
import { sqliteConnection, sqliteConstructor } from './typeorm-internals';
import { BACKSTOP_PAGES, WalCheckpoints } from './wal-checkpoints';
import { sqliteWriterLock, type WriterLock } from './writer-lock';

/** Options of SqliteStorage.open. */
export interface SqliteOptions {
  /** Milliseconds a statement waits for a lock held by another process before failing (default 5000). */
  readonly busyTimeout?: number;
  /** `synchronous` pragma: 'normal' (default; safe with WAL, the last commits may be lost on power loss) or 'full'. */
  readonly synchronous?: 'normal' | 'full';
  /**
   * Milliseconds to wait for another node that holds the file to close it (default 0: refuse at once). One
   * writer per file: a second one is refused with StorageError (see docs/storage.md).
   */
  readonly lockTimeout?: number;
}

/**
 * SQLite storage through TypeORM and better-sqlite3: WAL journal, foreign keys on, a busy timeout, and one
 * writer per file (the lock is the sidecar file `<file>-lock`).
 */
export class SqliteStorage extends SqlStorage {
  readonly #checkpoints: WalCheckpoints | undefined;

  protected constructor(ds: DataSource, lock: WriterLock | undefined, file: boolean) {
    super(ds, sqliteDialect, { lock });
    this.#checkpoints = file ? new WalCheckpoints(() => sqliteConnection(ds)) : undefined;
  }

  /** Commits, then counts the commit towards the next WAL checkpoint (see WalCheckpoints). */
  override async commit(batch: CommitBatch): Promise<void> {
    await super.commit(batch);
    this.#checkpoints?.committed(batch.events.length + batch.states.length);
  }

  /**
   * Opens (or creates) a database file, or an in-memory database for ':memory:'. Refused with StorageError
   * while another node (in this process or another) has the file open.
   */
  static async open(path: string, options: SqliteOptions = {}): Promise<SqliteStorage> {
    const busy = options.busyTimeout ?? 5000;
    return openDataSource(
      {
        type: 'better-sqlite3',
        database: path,
        timeout: busy,
        prepareDatabase: (db: Database.Database) => prepare(db, busy, options.synchronous ?? 'normal'),
      },
      `SQLite database '${path}'`,
      async (ds) => {
        return sqliteWriterLock(sqliteConstructor(ds), path, options.lockTimeout ?? 0);
      },
      async (ds, lock) => {
        const storage = new SqliteStorage(ds, lock, path !== ':memory:' && path !== '');
        await storage.load();
        return storage;
      },
    );
  }
}

/** Sets the pragmas and proves the file is a SQLite database; closes the handle when it is not. */
function prepare(db: Database.Database, busy: number, synchronous: string): void {
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busy))}`);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    // Checkpoints run after commits (WalCheckpoints); SQLite's own, inside a commit, only as a backstop.
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (e) {
    db.close();
    throw e;
  }
}
