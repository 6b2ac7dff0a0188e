import { type DataSource, type QueryRunner } from 'typeorm';
import { type EntityState } from '../../entity/entity-state';
import { StorageError } from '../../errors/errors';
import { type Event } from '../../event/event';
import { type Selection } from '../../query/ast';
import { StorageConflict } from '../conflict';
import { type CollectionSpec, type ColumnSpec, type CommitBatch, type StorageEngine } from '../engine';
import { Serial } from '../serial';
import { backfill } from './backfill';
import { CollectionTables } from './collection-tables';
import { batchCollections, collectWork } from './commit-work';
import { type Dialect } from './dialect';
import { eventTable, materialisedColumns, stateTable } from './entity-schemas';
import { RowWriter } from './row-writer';
import { SqlReader } from './sql-reader';
import { type WriterLock } from './writer-lock';
import { COLLECTION_NAME_RULE, isCollectionName } from '../../model/names';

interface Known {
  readonly columns: ReadonlyMap<string, ColumnSpec>;
  readonly writer: RowWriter;
}

/** A database-wide lock around DDL, so nodes starting together never race on creating tables. */
export interface DdlLock {
  acquire(qr: QueryRunner): Promise<void>;
  release(qr: QueryRunner): Promise<void>;
}

/** How SqlStorage writes: one writer holding `lock`, or one of several (`shared`, compare-and-set on heads). */
export interface SqlStorageMode {
  readonly schema?: string | undefined;
  readonly lock?: WriterLock | undefined;
  readonly shared?: boolean;
  readonly ddlLock?: DdlLock | undefined;
}

/**
 * The storage engine over a TypeORM DataSource (SQLite, Postgres or MySQL; the differences live in the
 * Dialect). See docs/storage.md for the table layout, how AnkQL becomes SQL, and shared mode.
 */
export class SqlStorage implements StorageEngine {
  readonly kind: string;
  readonly shared: boolean;
  /** The underlying TypeORM DataSource (for tooling, migrations and tests; do not write the tables directly). */
  readonly dataSource: DataSource;
  readonly #d: Dialect;
  readonly #tables: CollectionTables;
  readonly #reader: SqlReader;
  readonly #known = new Map<string, Known>();
  // Schema changes run one at a time, so concurrent first uses of a collection create its tables once.
  readonly #ddl = new Serial();
  // SQLite runs on one connection: serialise so a read never lands inside another caller's transaction.
  readonly #serial: Serial | undefined;
  readonly #lock: WriterLock | undefined;
  readonly #ddlLock: DdlLock | undefined;
  // Operations called and not ended yet (see #op).
  #pending = 0;
  #closed = false;

  protected constructor(ds: DataSource, d: Dialect, mode: SqlStorageMode) {
    this.kind = d.kind;
    this.shared = mode.shared ?? false;
    this.#lock = mode.lock;
    this.#ddlLock = mode.ddlLock;
    this.dataSource = ds;
    this.#d = d;
    this.#tables = new CollectionTables(ds, d, mode.schema);
    this.#reader = new SqlReader(ds, d, this.#tables);
    this.#serial = d.serial ? new Serial() : undefined;
  }

  /** Reads the catalog; called once by the open functions on an initialised DataSource. */
  protected async load(): Promise<void> {
    const catalog = await this.#schemaChange((qr) => this.#tables.openCatalog(qr), 'opening storage');
    for (const [name, columns] of catalog) this.#remember(name, columns);
    // Register the known collections' schemas so TypeORM metadata matches the database.
    await this.#schemaChange(async (qr) => {
      for (const [name, columns] of catalog)
        await this.#tables.apply(qr, { name, columns: [...columns.values()] }, columns);
    }, 'opening storage');
  }

  ensureCollection(spec: CollectionSpec): Promise<void> {
    return this.#op(async () => {
      this.#checkOpen();
      await this.#writing();
      await this.#ddl.run(() => this.#ensure(spec));
    });
  }

  async #ensure(spec: CollectionSpec): Promise<void> {
    if (!isCollectionName(spec.name)) {
      throw StorageError.badCollectionName(spec.name, COLLECTION_NAME_RULE);
    }
    const known = this.#known.get(spec.name);
    const merged = new Map(known?.columns);
    let changed = !known;
    for (const c of materialisedColumns(spec)) {
      const before = merged.get(c.name);
      if (!before || before.type !== c.type || (c.index && !before.index)) {
        merged.set(c.name, { name: c.name, type: c.type, index: c.index || (before?.index ?? false) });
        changed = true;
      }
    }
    if (!changed) return;
    await this.#schemaChange(async (qr) => {
      const columns = [...merged.values()];
      const refill = await this.#tables.apply(qr, { name: spec.name, columns }, known?.columns);
      this.#remember(spec.name, merged);
      if (refill) await backfill(qr, this.#d, this.#tables.path(stateTable(spec.name)), spec.name, columns);
    }, `creating the tables of '${spec.name}'`);
  }

  #writer(collection: string): RowWriter {
    const known = this.#known.get(collection);
    if (!known) throw StorageError.noTables(collection);
    return known.writer;
  }

  #remember(name: string, columns: ReadonlyMap<string, ColumnSpec>): void {
    const writer = new RowWriter(
      this.#d,
      this.#tables.path(stateTable(name)),
      this.#tables.path(eventTable(name)),
      [...columns.values()],
    );
    this.#known.set(name, { columns, writer });
  }

  async collections(): Promise<string[]> {
    this.#checkOpen();
    if (this.shared) {
      const catalog = await this.#runner((qr) => this.#tables.readCatalog(qr), 'reading the catalog');
      return [...new Set([...this.#known.keys(), ...catalog.keys()])].sort();
    }
    return [...this.#known.keys()].sort();
  }

  async commit(batch: CommitBatch): Promise<void> {
    this.#checkOpen();
    if (this.#commitNow(batch)) {
      this.committed(batch);
      return;
    }
    await this.#op(() => this.#commitQueued(batch));
    this.committed(batch);
  }

  /** Called after each commit that returned (SQLite counts it towards its next WAL checkpoint). */
  protected committed(_batch: CommitBatch): void {}

  async #commitQueued(batch: CommitBatch): Promise<void> {
    await this.#writing();
    for (const name of batchCollections(batch)) {
      if (!this.#known.has(name)) await this.ensureCollection({ name, columns: [] });
    }
    if (batch.events.length === 0 && batch.states.length === 0) return;
    const what = `committing ${batch.events.length} events and ${batch.states.length} states`;
    const conflicts = await this.#runner(
      (qr) =>
        this.#d.commit(
          { ds: this.dataSource, qr, what },
          collectWork(batch, (c) => this.#writer(c)),
          this.shared,
        ),
      what,
    );
    if (conflicts.length > 0) throw new StorageConflict(conflicts);
  }

  /**
   * The usual SQLite commit, run at once (synchronously, in the call) when no other operation of this storage
   * is in progress, from its call to its end: its collections have tables and the writer lock is held. It
   * cannot land inside another caller's operation nor overtake one called before it, and it skips the
   * queue's and the query runner's turns of the event loop. False when the commit must take the queue
   * (another engine, an operation in progress, a collection without tables yet).
   */
  #commitNow(batch: CommitBatch): boolean {
    const now = this.#d.commitNow;
    if (!now || this.#pending > 0 || !this.#serial?.idle || (this.#lock && !this.#lock.held)) return false;
    for (const name of batchCollections(batch)) if (!this.#known.has(name)) return false;
    if (batch.events.length === 0 && batch.states.length === 0) return true;
    const what = (): string => `committing ${batch.events.length} events and ${batch.states.length} states`;
    try {
      now(
        this.dataSource,
        what,
        collectWork(batch, (c) => this.#writer(c)),
      );
    } catch (e) {
      throw e instanceof StorageError ? e : StorageError.wrap(what(), e);
    }
    return true;
  }

  /** True when the collection has tables; a shared engine also finds the collections other nodes created. */
  async #has(collection: string): Promise<boolean> {
    if (this.#known.has(collection) || !this.shared) return this.#known.has(collection);
    await this.#ddl.run(async () => {
      if (this.#known.has(collection)) return;
      const catalog = await this.#runner((qr) => this.#tables.readCatalog(qr), 'reading the catalog');
      const columns = catalog.get(collection);
      if (columns) this.#remember(collection, columns);
    });
    return this.#known.has(collection);
  }

  getState(collection: string, id: string): Promise<EntityState | undefined> {
    return this.#op(async () => {
      this.#checkOpen();
      if (!(await this.#has(collection))) return undefined;
      return this.#runner((qr) => this.#reader.state(qr, collection, id), `reading ${collection}/${id}`);
    });
  }

  fetchStates(collection: string, selection: Selection): Promise<EntityState[]> {
    return this.#op(async () => {
      this.#checkOpen();
      const known = (await this.#has(collection)) ? this.#known.get(collection) : undefined;
      if (!known || selection.limit === 0) return [];
      const what = `querying '${collection}'`;
      return this.#reader.fetch((fn) => this.#runner(fn, what), collection, known.columns, selection);
    });
  }

  getEvents(collection: string, ids: readonly string[]): Promise<Event[]> {
    return this.#op(async () => {
      this.#checkOpen();
      if (ids.length === 0 || !(await this.#has(collection))) return [];
      return this.#runner(
        (qr) => this.#reader.events(qr, collection, ids),
        `reading events of '${collection}'`,
      );
    });
  }

  entityEvents(collection: string, entityId: string): Promise<Event[]> {
    return this.#op(async () => {
      this.#checkOpen();
      if (!(await this.#has(collection))) return [];
      return this.#runner(
        (qr) => this.#reader.history(qr, collection, entityId),
        `reading the history of ${collection}/${entityId}`,
      );
    });
  }

  /** Runs an operation of this storage, counted as in progress from its call to its end (see #commitNow). */
  #op<T>(fn: () => Promise<T>): Promise<T> {
    this.#pending++;
    return fn().finally(() => {
      this.#pending--;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Let queued operations finish first (they were accepted before close).
    await this.#ddl.run(async () => undefined);
    if (this.#serial) await this.#serial.run(async () => undefined);
    try {
      if (this.dataSource.isInitialized) await this.dataSource.destroy();
    } finally {
      await this.#lock?.release();
    }
  }

  /** Runs DDL on a query runner holding the database's DDL lock, when the engine has one. */
  async #schemaChange<T>(fn: (qr: QueryRunner) => Promise<T>, what: string): Promise<T> {
    const lock = this.#ddlLock;
    if (!lock) return this.#runner(fn, what);
    return this.#runner(async (qr) => {
      await lock.acquire(qr);
      try {
        return await fn(qr);
      } finally {
        await lock.release(qr);
      }
    }, what);
  }

  /** Runs fn on a query runner (serialised on SQLite, a pooled connection otherwise); wraps failures. */
  async #runner<T>(fn: (qr: QueryRunner) => Promise<T>, what: string): Promise<T> {
    const run = async (): Promise<T> => {
      const qr = this.dataSource.createQueryRunner();
      try {
        return await fn(qr);
      } catch (e) {
        throw e instanceof StorageError ? e : StorageError.wrap(what, e);
      } finally {
        // SQLite shares one runner: releasing it only clears its caches.
        await qr.release();
      }
    };
    return this.#serial ? this.#serial.run(run) : run();
  }

  /** Writes need the writer lock: taken again if its session was lost, refused when another node took it. */
  async #writing(): Promise<void> {
    if (!this.#lock || this.#lock.held) return;
    try {
      await this.#lock.ensureHeld();
    } catch (e) {
      throw e instanceof StorageError ? e : StorageError.wrap('taking the writer lock again', e);
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw StorageError.closed(this.kind);
  }
}
