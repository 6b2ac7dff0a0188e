import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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
  /**
   * SQLite's `locking_mode` (default 'exclusive'). 'exclusive': the node's connection keeps SQLite's file
   * locks for as long as the storage is open, so a commit takes no lock of its own and the WAL index lives in
   * the process (no `-shm` file); no other connection, in this process or another, can read the file
   * meanwhile. 'normal': other connections may read it while the node runs (the `sqlite3` shell, a backup
   * tool), at the cost of the file locks each commit takes (about 10 µs; see docs/storage.md).
   */
  readonly locking?: 'exclusive' | 'normal';
}

/**
 * SQLite storage through TypeORM and better-sqlite3: WAL journal, foreign keys on, a busy timeout, exclusive
 * locking (by default), and one writer per file (the lock is the sidecar file `<file>-lock`).
 */
export class SqliteStorage extends SqlStorage {
  readonly #checkpoints: WalCheckpoints | undefined;

  protected constructor(ds: DataSource, lock: WriterLock | undefined, file: boolean) {
    super(ds, sqliteDialect, { lock });
    this.#checkpoints = file ? new WalCheckpoints(() => sqliteConnection(ds)) : undefined;
  }

  /** Counts a commit towards the next WAL checkpoint (see WalCheckpoints). */
  protected override committed(batch: CommitBatch): void {
    this.#checkpoints?.committed(batch.events.length + batch.states.length);
  }

  /**
   * Opens (or creates) a database file, or an in-memory database for ':memory:'. Refused with StorageError
   * while another node (in this process or another) has the file open.
   */
  static async open(path: string, options: SqliteOptions = {}): Promise<SqliteStorage> {
    const busy = options.busyTimeout ?? 5000;
    const file = path !== ':memory:' && path !== '';
    const pragmas: Pragmas = {
      busy,
      synchronous: options.synchronous ?? 'normal',
      exclusive: (options.locking ?? 'exclusive') === 'exclusive',
    };
    return openDataSource(
      {
        type: 'better-sqlite3',
        database: path,
        timeout: busy,
        prepareDatabase: (db: Database.Database) => prepare(db, pragmas),
      },
      `SQLite database '${path}'`,
      async (ds) => {
        // The lock file goes next to the database, whose directory TypeORM would create only later.
        if (file) mkdirSync(dirname(resolve(path)), { recursive: true });
        return sqliteWriterLock(sqliteConstructor(ds), path, options.lockTimeout ?? 0);
      },
      async (ds, lock) => {
        const storage = new SqliteStorage(ds, lock, file);
        await storage.load();
        return storage;
      },
      // Before the connection opens: a node holding the file in exclusive mode would make it wait for
      // SQLite's busy timeout, then fail with "database is locked" instead of the writer-locked error.
      true,
    );
  }
}

/** The pragmas SqliteStorage.open sets. */
interface Pragmas {
  readonly busy: number;
  readonly synchronous: 'normal' | 'full';
  readonly exclusive: boolean;
}

/** Sets the pragmas and proves the file is a SQLite database; closes the handle when it is not. */
function prepare(db: Database.Database, p: Pragmas): void {
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(p.busy))}`);
    // Before the first access in WAL mode, so that SQLite keeps the WAL index in memory (no -shm file).
    if (p.exclusive) db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${p.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    // Checkpoints run after commits (WalCheckpoints); SQLite's own, inside a commit, only as a backstop.
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (e) {
    db.close();
    throw e;
  }
}
