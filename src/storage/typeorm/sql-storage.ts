import type Database from 'better-sqlite3';
import { type PoolClient } from 'pg';
import { type DataSource, type ObjectLiteral, type QueryRunner, type SelectQueryBuilder } from 'typeorm';
import { type EntityState } from '../../entity/entity-state';
import { StorageError } from '../../errors/errors';
import { decodeOperations } from '../../event/codec';
import { type Clock } from '../../event/clock';
import { type Event } from '../../event/event';
import { type Selection } from '../../query/ast';
import { type CollectionSpec, type ColumnSpec, type CommitBatch, type StorageEngine } from '../engine';
import { compiledSelection, queryRow } from '../memory-storage';
import { fitValue } from './columns';
import { CollectionTables } from './collection-tables';
import { type Dialect } from './dialect';
import { eventTable, materialisedColumns, stateTable } from './entity-schemas';
import { RowWriter, type Statement } from './row-writer';
import { Serial } from '../serial';
import { decodeState } from './state-codec';
import { translateSelection } from './translate';
import { type WriterLock } from './writer-lock';
import { COLLECTION_NAME_RULE, isCollectionName } from '../../model/names';

interface StateRow {
  readonly id: string;
  readonly head: string;
  readonly state: string;
}

interface EventRow {
  readonly id: string;
  readonly entity_id: string;
  readonly parents: string;
  readonly operations: string;
}

interface Known {
  readonly columns: ReadonlyMap<string, ColumnSpec>;
  readonly writer: RowWriter;
}

const ID_CHUNK = 500;

/**
 * The storage engine over a TypeORM DataSource (SQLite through better-sqlite3, or Postgres). See
 * docs/storage.md for the table layout and how AnkQL becomes SQL.
 */
export class SqlStorage implements StorageEngine {
  readonly kind: string;
  /** The underlying TypeORM DataSource (for tooling, migrations and tests; do not write the tables directly). */
  readonly dataSource: DataSource;
  readonly #d: Dialect;
  readonly #tables: CollectionTables;
  readonly #known = new Map<string, Known>();
  // Schema changes run one at a time, so concurrent first uses of a collection create its tables once.
  readonly #ddl = new Serial();
  // SQLite runs on one connection: serialise so a read never lands inside another caller's transaction.
  readonly #serial: Serial | undefined;
  // The single-writer lock of the database (none for a private ':memory:' SQLite database).
  readonly #lock: WriterLock | undefined;
  #closed = false;

  protected constructor(ds: DataSource, d: Dialect, schema: string | undefined, lock?: WriterLock) {
    this.kind = d.kind;
    this.#lock = lock;
    this.dataSource = ds;
    this.#d = d;
    this.#tables = new CollectionTables(ds, d, schema);
    this.#serial = d.kind === 'sqlite' ? new Serial() : undefined;
  }

  /** Reads the catalog; called once by the open functions on an initialised DataSource. */
  protected async load(): Promise<void> {
    const catalog = await this.#runner((qr) => this.#tables.openCatalog(qr));
    for (const [name, columns] of catalog) this.#remember(name, columns);
    // Register the known collections' schemas so TypeORM metadata matches the database.
    await this.#runner(async (qr) => {
      for (const [name, columns] of catalog)
        await this.#tables.apply(qr, { name, columns: [...columns.values()] }, columns);
    });
  }

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    this.#checkOpen();
    await this.#writing();
    await this.#ddl.run(() => this.#ensure(spec));
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
    await this.#runner(async (qr) => {
      const backfill = await this.#tables.apply(
        qr,
        { name: spec.name, columns: [...merged.values()] },
        known?.columns,
      );
      this.#remember(spec.name, merged);
      if (backfill) await this.#backfill(qr, spec.name);
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

  /** Recomputes every row's materialised columns and mismatch flag (after columns were added or re-typed). */
  async #backfill(qr: QueryRunner, collection: string): Promise<void> {
    const known = this.#known.get(collection);
    if (!known) return;
    const table = this.#tables.path(stateTable(collection));
    const rows = (await qr.query(
      `SELECT "id", "_head" AS "head", "_state" AS "state" FROM ${table}`,
    )) as StateRow[];
    const cols = [...known.columns.values()];
    const sets = ['"_mismatch"', ...cols.map((c) => this.#d.quote(c.name))].map(
      (c, i) => `${c} = ${this.#d.placeholder(i)}`,
    );
    const sql = `UPDATE ${table} SET ${sets.join(', ')} WHERE "id" = ${this.#d.placeholder(sets.length)}`;
    await qr.startTransaction();
    try {
      for (const r of rows) {
        const values = decodeState(collection, r.id, r.head, r.state).values;
        const fitted = cols.map((c) => fitValue(c.type, values[c.name], this.#d));
        const mismatch = fitted.some((f) => !f.fits) ? 1 : 0;
        await qr.query(sql, [mismatch, ...fitted.map((f) => f.value), r.id]);
      }
      await qr.commitTransaction();
    } catch (e) {
      await qr.rollbackTransaction();
      throw e;
    }
  }

  async collections(): Promise<string[]> {
    this.#checkOpen();
    return [...this.#known.keys()].sort();
  }

  async commit(batch: CommitBatch): Promise<void> {
    this.#checkOpen();
    await this.#writing();
    const groups = byCollection(batch);
    for (const name of groups.keys()) {
      if (!this.#known.has(name)) await this.ensureCollection({ name, columns: [] });
    }
    if (batch.events.length === 0 && batch.states.length === 0) return;
    const what = `committing ${batch.events.length} events and ${batch.states.length} states`;
    if (this.#d.kind === 'sqlite') {
      // One synchronous transaction on the connection: rows are built and bound one at a time through
      // statements prepared once, with no query-runner round trip per statement.
      await this.#direct((db) => {
        const writers = [...groups].map(([name, g]) => ({ w: this.#writer(name), g }));
        db.transaction(() => {
          // Events before states: a state never refers to an event that is not kept.
          // Each row is bound as soon as it is built, so one array per collection serves every row.
          for (const { w, g } of writers) {
            const insert = w.sqlite(db).event;
            const row: unknown[] = [];
            for (const e of g.events) insert.run(w.eventRow(e, row));
          }
          for (const { w, g } of writers) {
            const insert = w.sqlite(db).state;
            const row: unknown[] = [];
            for (const s of g.states) insert.run(w.stateRow(s, row));
          }
        })();
      }, what);
      return;
    }
    await this.#runner(async (qr) => {
      const statements: Statement[] = [];
      // A multi-row statement must not name one id twice. As with one row at a time: the first copy of an
      // event stays, the last copy of a state wins.
      for (const [name, g] of groups)
        statements.push(...this.#writer(name).events(dedupe(g.events, 'first')));
      for (const [name, g] of groups) statements.push(...this.#writer(name).states(dedupe(g.states, 'last')));
      // The pg connection itself: recurring statements are prepared once per connection (by name), and
      // no query-runner bookkeeping runs per statement.
      const client = (await qr.connect()) as PoolClient;
      await client.query('BEGIN');
      try {
        for (const s of statements) {
          await client.query(
            s.name ? { name: s.name, text: s.sql, values: s.params } : { text: s.sql, values: s.params },
          );
        }
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    }, what);
  }

  async getState(collection: string, id: string): Promise<EntityState | undefined> {
    this.#checkOpen();
    if (!this.#known.has(collection)) return undefined;
    const rows = await this.#runner(
      (qr) => this.#query<StateRow>(qr, this.#select(qr, collection).where('"id" = :p0'), { p0: id }),
      `reading ${collection}/${id}`,
    );
    const r = rows[0];
    return r && decodeState(collection, r.id, r.head, r.state);
  }

  async fetchStates(collection: string, selection: Selection): Promise<EntityState[]> {
    this.#checkOpen();
    const known = this.#known.get(collection);
    if (!known || selection.limit === 0) return [];
    const plan = translateSelection(selection, known.columns, this.#d);
    const ordered = plan.exact && plan.orderBy !== undefined;
    const what = `querying '${collection}'`;
    const [main, misfits] = await Promise.all([
      this.#runner(async (qr) => {
        let q = this.#select(qr, collection)
          .where('"_deleted" = 0 AND "_mismatch" = 0')
          .andWhere(`(${plan.where})`);
        for (const term of ordered ? (plan.orderBy ?? []) : [])
          q = q.addOrderBy(term.expr, term.direction, term.nulls);
        return this.#query<StateRow>(qr, q, plan.params, ordered ? selection.limit : undefined);
      }, what),
      // Rows whose values do not fit their columns are rare; the evaluator decides for them.
      this.#runner(
        (qr) =>
          this.#query<StateRow>(qr, this.#select(qr, collection).where('"_deleted" = 0 AND "_mismatch" = 1')),
        what,
      ),
    ]);
    const decode = (r: StateRow): EntityState => decodeState(collection, r.id, r.head, r.state);
    if (ordered && misfits.length === 0) return main.map(decode);
    const { match, order } = compiledSelection(selection);
    const candidates = [
      ...main.map(decode).filter((s) => plan.exact || match(queryRow(s))),
      ...misfits.map(decode).filter((s) => match(queryRow(s))),
    ];
    const rows = candidates.map((state) => ({ state, row: queryRow(state) }));
    rows.sort((a, b) => order(a.row, b.row));
    const limited = selection.limit === undefined ? rows : rows.slice(0, selection.limit);
    return limited.map((r) => r.state);
  }

  async getEvents(collection: string, ids: readonly string[]): Promise<Event[]> {
    this.#checkOpen();
    if (!this.#known.has(collection) || ids.length === 0) return [];
    const unique = [...new Set(ids)];
    const rows = await this.#runner(async (qr) => {
      const out: EventRow[] = [];
      for (let i = 0; i < unique.length; i += ID_CHUNK) {
        const chunk = unique.slice(i, i + ID_CHUNK);
        const params = Object.fromEntries(chunk.map((id, n) => [`p${n}`, id]));
        const list = Object.keys(params)
          .map((k) => `:${k}`)
          .join(', ');
        out.push(
          ...(await this.#query<EventRow>(
            qr,
            this.#events(qr, collection).where(`"id" IN (${list})`),
            params,
          )),
        );
      }
      return out;
    }, `reading events of '${collection}'`);
    return rows.map((r) => toEvent(collection, r));
  }

  async entityEvents(collection: string, entityId: string): Promise<Event[]> {
    this.#checkOpen();
    if (!this.#known.has(collection)) return [];
    const rows = await this.#runner(
      (qr) =>
        this.#query<EventRow>(
          qr,
          this.#events(qr, collection).where('"entity_id" = :p0').orderBy(this.#d.binary('"id"'), 'ASC'),
          { p0: entityId },
        ),
      `reading the history of ${collection}/${entityId}`,
    );
    return rows.map((r) => toEvent(collection, r));
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

  #select(qr: QueryRunner, collection: string) {
    return this.dataSource
      .createQueryBuilder(qr)
      .select('"id"', 'id')
      .addSelect('"_head"', 'head')
      .addSelect('"_state"', 'state')
      .from(this.#tables.builderPath(stateTable(collection)), 't');
  }

  #events(qr: QueryRunner, collection: string) {
    return this.dataSource
      .createQueryBuilder(qr)
      .select('"id"', 'id')
      .addSelect('"entity_id"', 'entity_id')
      .addSelect('"parents"', 'parents')
      .addSelect('"operations"', 'operations')
      .from(this.#tables.builderPath(eventTable(collection)), 'e');
  }

  /**
   * Runs a query built with TypeORM's query builder, binding the `:pN` parameters natively: TypeORM's SQLite
   * driver would otherwise splice numbers into the SQL text (and defeat the statement cache).
   */
  async #query<R>(
    qr: QueryRunner,
    qb: SelectQueryBuilder<ObjectLiteral>,
    params: Readonly<Record<string, unknown>> = {},
    limit?: number,
  ): Promise<R[]> {
    const values: unknown[] = [];
    let sql = qb.getQuery().replace(/:(p\d+)\b/g, (_, key: string) => {
      values.push(params[key]);
      return this.#d.placeholder(values.length - 1);
    });
    if (limit !== undefined) {
      values.push(limit);
      sql += ` LIMIT ${this.#d.placeholder(values.length - 1)}`;
    }
    // Rows come back as plain objects keyed by the selected aliases, which the callers name in R.
    return (await qr.query(sql, values)) as R[];
  }

  /** Runs fn on SQLite's better-sqlite3 connection, serialised with every other use of it; wraps failures. */
  async #direct<T>(fn: (db: Database.Database) => T, what: string): Promise<T> {
    return (this.#serial ?? new Serial()).run(async () => {
      try {
        const db = (this.dataSource.driver as unknown as { databaseConnection?: Database.Database })
          .databaseConnection;
        if (!db?.open) throw StorageError.connectionNotOpen(what);
        return fn(db);
      } catch (e) {
        throw e instanceof StorageError ? e : StorageError.wrap(what, e);
      }
    });
  }

  /** Runs fn on a query runner (serialised on SQLite, a pooled connection on Postgres); wraps failures. */
  async #runner<T>(fn: (qr: QueryRunner) => Promise<T>, what = 'opening storage'): Promise<T> {
    const run = async (): Promise<T> => {
      const qr = this.dataSource.createQueryRunner();
      try {
        return await fn(qr);
      } catch (e) {
        throw e instanceof StorageError ? e : StorageError.wrap(what, e);
      } finally {
        // better-sqlite3 shares one runner; releasing it is a no-op there.
        if (this.#d.kind === 'postgres') await qr.release();
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

/** The events and states of a batch by collection, in first-appearance order. */
function byCollection(batch: CommitBatch): Map<string, { events: Event[]; states: EntityState[] }> {
  const out = new Map<string, { events: Event[]; states: EntityState[] }>();
  const group = (name: string): { events: Event[]; states: EntityState[] } => {
    let g = out.get(name);
    if (!g) out.set(name, (g = { events: [], states: [] }));
    return g;
  };
  for (const e of batch.events) group(e.collection).events.push(e);
  for (const s of batch.states) group(s.collection).states.push(s);
  return out;
}

function dedupe<T extends { readonly id: string }>(items: readonly T[], keep: 'first' | 'last'): T[] {
  const byId = new Map<string, T>();
  for (const item of items) if (keep === 'last' || !byId.has(item.id)) byId.set(item.id, item);
  return byId.size === items.length ? [...items] : [...byId.values()];
}

function toEvent(collection: string, r: EventRow): Event {
  return {
    id: r.id,
    entityId: r.entity_id,
    collection,
    parents: JSON.parse(r.parents) as Clock,
    operations: decodeOperations(r.operations),
  };
}
