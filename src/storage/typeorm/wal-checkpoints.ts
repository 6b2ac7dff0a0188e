import type Database from 'better-sqlite3';

/** Commits, or rows written, after which a checkpoint is due (about SQLite's 1000 pages for small commits). */
const COMMITS_PER_CHECKPOINT = 200;
const ROWS_PER_CHECKPOINT = 4000;
/**
 * SQLite's own checkpoint stays as a backstop at this many WAL pages (a single commit larger than that, or
 * checkpoints that keep failing), so the WAL stays bounded whatever happens here.
 */
export const BACKSTOP_PAGES = 4000;

/**
 * WAL checkpoints after commits rather than inside them. SQLite's automatic checkpoint runs inside the commit
 * whose pages cross its threshold, and with `synchronous=NORMAL` a checkpoint is two fsyncs (measured 6 to 30
 * ms on a virtual disk): that commit, and the answer and the forwarding that wait for it, took that long.
 * Here a checkpoint is due after COMMITS_PER_CHECKPOINT commits or ROWS_PER_CHECKPOINT rows, and runs
 * (PASSIVE: it never waits for readers) on the next turn of the event loop, after the commit has returned
 * and what waited for it has gone out. It still occupies the thread while it runs. Durability is unchanged:
 * commits are in the WAL before they return, as before.
 */
export class WalCheckpoints {
  readonly #db: () => Database.Database | undefined;
  #commits = 0;
  #rows = 0;
  #queued = false;

  /** `db` gives the connection (undefined once closed). */
  constructor(db: () => Database.Database | undefined) {
    this.#db = db;
  }

  /** Counts a commit that returned; queues a checkpoint when one is due. */
  committed(rows: number): void {
    this.#commits++;
    this.#rows += rows;
    if (this.#queued) return;
    if (this.#commits < COMMITS_PER_CHECKPOINT && this.#rows < ROWS_PER_CHECKPOINT) return;
    this.#queued = true;
    setImmediate(() => this.#run()).unref();
  }

  #run(): void {
    this.#queued = false;
    this.#commits = 0;
    this.#rows = 0;
    const db = this.#db();
    if (!db?.open || db.inTransaction) return;
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // E.g. SQLITE_BUSY while another process checkpoints: the next one (or SQLite's backstop) catches up.
    }
  }
}
