import { type EntityState } from '../../entity/entity-state';
import { StorageError } from '../../errors/errors';
import { type Event } from '../../event/event';
import { type Selection } from '../../query/ast';
import { type CollectionSpec, type CommitBatch, type StorageEngine } from '../engine';
import { idbFailure } from './idb-errors';
import { addIfAbsent, committed, done } from './idb-request';
import { indexEntries } from './index-keys';
import { BY_ENTITY, STORES, openDatabase, takeFreeSlot, takeWriterLock } from './open-db';
import { allOf, runFetch, type StateRecord } from './query-plan';

/** Options of IndexedDbStorage.open. */
export interface IndexedDbOptions {
  /**
   * 'first-free' opens `name`, or `name~2`, `name~3`… when another tab holds it: one database per open tab,
   * each kept across reloads (a reloaded tab gets a free slot back, with its queued offline commits).
   */
  readonly slot?: 'exact' | 'first-free';
}

interface EventRecord {
  readonly c: string;
  readonly id: string;
  readonly en: string;
  readonly e: Event;
}

const ALL_STORES = [STORES.collections, STORES.states, STORES.events];

/** The index tag served for a declared field's type: numbers for numeric types, strings otherwise. */
function tagFor(spec: CollectionSpec): Map<string, 'n' | 's'> {
  const out = new Map<string, 'n' | 's'>();
  for (const c of spec.columns) {
    if (!c.index) continue;
    out.set(c.name, c.type === 'number' || c.type === 'integer' ? 'n' : 's');
  }
  return out;
}

/**
 * Browser persistence in IndexedDB. One database per node: a `collections` store, a `states` store keyed by
 * [collection, id] with a multiEntry index over the `index: true` fields (range and ordered LIMIT queries
 * walk it), and an `events` store indexed by entity. A commit is one readwrite transaction over all stores,
 * so an ephemeral node's outbox record (a state of the reserved outbox collection) is kept or lost together
 * with the commit's events and states. A Web Lock on the name makes this engine the database's only writer.
 */
export class IndexedDbStorage implements StorageEngine {
  readonly kind = 'indexeddb';
  /** The database name actually opened (differs from the requested one with `slot: 'first-free'`). */
  readonly name: string;
  readonly #db: IDBDatabase;
  readonly #release: () => void;
  readonly #specs = new Map<string, CollectionSpec>();
  #closed = false;

  private constructor(name: string, db: IDBDatabase, release: () => void, specs: CollectionSpec[]) {
    this.name = name;
    this.#db = db;
    this.#release = release;
    for (const s of specs) this.#specs.set(s.name, s);
  }

  /** Opens (creating if needed) the database `name`; StorageError when another node holds it. */
  static async open(name: string, options: IndexedDbOptions = {}): Promise<IndexedDbStorage> {
    let slot: { name: string; release: () => void };
    if (options.slot === 'first-free') {
      slot = await takeFreeSlot(name);
    } else {
      const release = await takeWriterLock(name);
      if (!release) throw StorageError.idbOtherWriter(name);
      slot = { name, release };
    }
    try {
      const db = await openDatabase(slot.name);
      const tx = db.transaction(STORES.collections, 'readonly');
      const specs = (await done(tx.objectStore(STORES.collections).getAll())) as CollectionSpec[];
      return new IndexedDbStorage(slot.name, db, slot.release, specs);
    } catch (e) {
      slot.release();
      throw idbFailure(slot.name, 'opening', e);
    }
  }

  /** Deletes a database (it must not be open); for tests and "sign out" flows. */
  static async delete(name: string): Promise<void> {
    await done(indexedDB.deleteDatabase(name));
  }

  #check(): void {
    if (this.#closed) throw StorageError.idbClosed(this.name);
  }

  async #tx<T>(
    what: string,
    mode: IDBTransactionMode,
    stores: string[],
    body: (tx: IDBTransaction) => Promise<T>,
  ): Promise<T> {
    this.#check();
    try {
      const tx = this.#db.transaction(stores, mode);
      const end = committed(tx);
      const [out] = await Promise.all([
        body(tx).catch((e: unknown) => {
          tx.abort();
          throw e;
        }),
        end,
      ]);
      return out;
    } catch (e) {
      throw idbFailure(this.name, what, e);
    }
  }

  #indexed(collection: string): string[] {
    return [...tagFor(this.#specs.get(collection) ?? { name: collection, columns: [] }).keys()];
  }

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    const known = this.#specs.get(spec.name);
    const fresh = { name: spec.name, columns: spec.columns.map((c) => ({ ...c })) };
    if (known && JSON.stringify(known) === JSON.stringify(fresh)) return;
    const before = known ? this.#indexed(spec.name).join('\u0000') : '';
    const after = [...tagFor(fresh).keys()];
    await this.#tx('declaring a collection', 'readwrite', [STORES.collections, STORES.states], async (tx) => {
      tx.objectStore(STORES.collections).put(fresh);
      if (after.join('\u0000') === before) return;
      // The indexed fields changed: rebuild the index entries of the states already kept.
      const store = tx.objectStore(STORES.states);
      const records = (await done(store.getAll(allOf(spec.name)))) as StateRecord[];
      for (const r of records) store.put({ ...r, ix: indexEntries(r.s, after) });
    });
    this.#specs.set(spec.name, fresh);
  }

  async collections(): Promise<string[]> {
    this.#check();
    return [...this.#specs.keys()].sort();
  }

  async commit(batch: CommitBatch): Promise<void> {
    const added: CollectionSpec[] = [];
    for (const c of new Set([...batch.events, ...batch.states].map((x) => x.collection))) {
      if (!this.#specs.has(c)) added.push({ name: c, columns: [] });
    }
    await this.#tx('committing', 'readwrite', ALL_STORES, async (tx) => {
      const collections = tx.objectStore(STORES.collections);
      for (const spec of added) collections.put(spec);
      const events = tx.objectStore(STORES.events);
      // Events first, then the states that reference them (one transaction: all or nothing).
      for (const e of batch.events) {
        addIfAbsent(events, { c: e.collection, id: e.id, en: e.entityId, e } satisfies EventRecord);
      }
      const states = tx.objectStore(STORES.states);
      for (const s of batch.states) {
        const rec: StateRecord = {
          c: s.collection,
          id: s.id,
          s,
          ix: indexEntries(s, this.#indexed(s.collection)),
        };
        states.put(rec);
      }
    });
    for (const spec of added) if (!this.#specs.has(spec.name)) this.#specs.set(spec.name, spec);
  }

  async getState(collection: string, id: string): Promise<EntityState | undefined> {
    return this.#tx('reading a state', 'readonly', [STORES.states], async (tx) => {
      const rec = (await done(tx.objectStore(STORES.states).get([collection, id]))) as
        | StateRecord
        | undefined;
      return rec?.s;
    });
  }

  async fetchStates(collection: string, selection: Selection): Promise<EntityState[]> {
    const spec = this.#specs.get(collection);
    if (!spec) return [];
    return this.#tx('fetching states', 'readonly', [STORES.states], (tx) =>
      runFetch(tx, collection, selection, tagFor(spec)),
    );
  }

  async getEvents(collection: string, ids: readonly string[]): Promise<Event[]> {
    if (ids.length === 0) return [];
    return this.#tx('reading events', 'readonly', [STORES.events], async (tx) => {
      const store = tx.objectStore(STORES.events);
      const got = await Promise.all(ids.map((id) => done(store.get([collection, id]))));
      return (got as (EventRecord | undefined)[]).flatMap((r) => (r ? [r.e] : []));
    });
  }

  async entityEvents(collection: string, entityId: string): Promise<Event[]> {
    return this.#tx('reading an entity history', 'readonly', [STORES.events], async (tx) => {
      const range = IDBKeyRange.bound([collection, entityId], [collection, entityId, []]);
      const recs = (await done(
        tx.objectStore(STORES.events).index(BY_ENTITY).getAll(range),
      )) as EventRecord[];
      return recs.map((r) => r.e);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
    this.#release();
  }
}
