import { canonicalWrites, genesisState, type EntityState } from '../entity/entity-state';
import { freezeEvent } from '../event/codec';
import { type Event } from '../event/event';
import { type Selection } from '../query/ast';
import { compilePredicate } from '../query/evaluate';
import { compareRecords } from '../query/order';
import { selectTable } from './memory/select';
import { PackedRows } from './memory/packed-rows';
import { EVENT_KEYS, LWW_ONLY, packing, sameKeys } from './memory/pack';
import { type CollectionSpec, type CommitBatch, type StorageEngine } from './engine';
import { StorageError } from '../errors/storage-error';
import { COLLECTION_NAME_RULE, isCollectionName } from '../model/names';
import { entityRow } from '../entity/row';

/** One entity's record: its state (if any) and its creation event, kept together to spare a map entry. */
interface Held {
  state: EntityState | undefined;
  /** The creation event (its id is the entity id). */
  genesis: Event | undefined;
  /** Ids of its other events, in arrival order. */
  later: string[] | undefined;
}

interface Table {
  readonly name: string;
  /** Entities that are not packed, with their full record. */
  readonly entities: Map<string, Held>;
  /** Entities that are exactly their creation event (most, after a bulk create): their row in `packed`. */
  readonly rows: Map<string, number>;
  readonly packed: PackedRows;
  /** Every event except creation events, which live in their entity's record or row. */
  readonly events: Map<string, Event>;
}

type Row = Readonly<Record<string, unknown>>;

const compiled = new WeakMap<Selection, { match: (r: Row) => boolean; order: (a: Row, b: Row) => number }>();

/** Compiles a selection once per Selection object (live queries and repeated fetches reuse it). */
export function compiledSelection(sel: Selection): {
  match: (r: Row) => boolean;
  order: (a: Row, b: Row) => number;
} {
  let c = compiled.get(sel);
  if (!c) {
    c = { match: compilePredicate(sel.predicate), order: compareRecords(sel.orderBy) };
    compiled.set(sel, c);
  }
  return c;
}

/** The row a selection is evaluated over: the entity's values plus its id. */
export function queryRow(state: EntityState): Row {
  return entityRow(state.id, state.values);
}

/** Keeps everything in memory: the default for ephemeral nodes and tests. States and events are frozen. */
export class MemoryStorage implements StorageEngine {
  readonly kind = 'memory';
  readonly takesCreations: boolean = true;
  readonly #tables = new Map<string, Table>();
  #closed = false;

  #table(collection: string): Table {
    let t = this.#tables.get(collection);
    if (!t) {
      t = {
        name: collection,
        entities: new Map(),
        rows: new Map(),
        packed: new PackedRows(collection),
        events: new Map(),
      };
      this.#tables.set(collection, t);
    }
    return t;
  }

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    if (!isCollectionName(spec.name)) throw StorageError.badCollectionName(spec.name, COLLECTION_NAME_RULE);
    this.#table(spec.name);
  }

  async collections(): Promise<string[]> {
    return [...this.#tables.keys()].sort();
  }

  async commit(batch: CommitBatch): Promise<void> {
    if (this.#closed) throw StorageError.closed('memory');
    // One loop per method: V8 compiles a long loop (a bulk commit) on-stack mid-way, and code after it
    // that had not run yet would then be deoptimized on every later commit.
    // Creations first: each goes straight to a packed row, and #putEvents then finds it stored.
    if (batch.created) this.#putCreated(batch.created);
    const born = this.#putEvents(batch.events, statedIn(batch.states));
    this.#putStates(batch.states, born);
    // A creation event without a state in the batch still needs its record.
    if (born) for (const g of born.values()) held(this.#table(g.collection), g.id).genesis ??= g;
  }

  /** Stores the events; returns the creation events of entities not held before, by id (kept for packing). */
  #putEvents(
    events: readonly Event[],
    stated: (collection: string, id: string) => boolean,
  ): Map<string, Event> | undefined {
    let born: Map<string, Event> | undefined;
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as Event;
      const t = this.#table(e.collection);
      if (e.id === e.entityId) {
        if (t.rows.has(e.id)) continue;
        const h = t.entities.get(e.id);
        if (h) h.genesis ??= frozenEvent(e);
        else if (!born?.has(e.id)) (born ??= new Map()).set(e.id, frozenEvent(e));
        else if (born.get(e.id)!.collection !== e.collection) held(t, e.id).genesis ??= frozenEvent(e);
      } else if (!t.events.has(e.id)) {
        t.events.set(e.id, frozenEvent(e));
        // A packed entity is unpacked without rebuilding the state the batch is about to replace.
        const h = held(t, e.entityId, stated(e.collection, e.entityId));
        (h.later ??= []).push(e.id);
        const g = born?.get(e.entityId);
        if (g?.collection === e.collection) {
          h.genesis ??= g;
          born!.delete(e.entityId);
        }
      }
    }
    return born;
  }

  /** Plain creations given without a state (see CommitBatch.created). */
  #putCreated(created: readonly Event[]): void {
    for (let i = 0; i < created.length; i++) {
      const e = created[i] as Event;
      const t = this.#table(e.collection);
      // Already held (not what `created` promises): the event is stored like every other event, its state kept.
      if (t.rows.has(e.id) || t.entities.has(e.id)) continue;
      const writes = e.operations.lww;
      const layout = writes && canPackDirectly(e, writes) ? t.packed.layoutOf(writes) : undefined;
      if (layout) t.rows.set(e.id, t.packed.add(e.id, layout, writes as Row));
      else {
        const state = genesisState(e) as EntityState;
        const g = frozenEvent(e);
        if (!pack(t, state, g)) t.entities.set(e.id, { state, genesis: g, later: undefined });
      }
    }
  }

  #putStates(states: readonly EntityState[], born: Map<string, Event> | undefined): void {
    for (const s of states) {
      const t = this.#table(s.collection);
      const state = Object.isFrozen(s) ? s : Object.freeze({ ...s });
      const g = born?.get(s.id);
      if (g?.collection === s.collection) {
        // A new entity: straight to a packed row when it is exactly its creation event, no record built first.
        born!.delete(s.id);
        if (!pack(t, state, g)) t.entities.set(s.id, { state, genesis: g, later: undefined });
        continue;
      }
      const h = held(t, s.id, true);
      h.state = state;
      if (h.genesis && !h.later) pack(t, state, h.genesis);
    }
  }

  async getState(collection: string, id: string): Promise<EntityState | undefined> {
    const t = this.#tables.get(collection);
    const row = t?.rows.get(id);
    return row === undefined ? t?.entities.get(id)?.state : t?.packed.state(row);
  }

  async fetchStates(collection: string, selection: Selection): Promise<EntityState[]> {
    const t = this.#tables.get(collection);
    if (!t) return [];
    return selectTable(t.entities.values(), t.packed, selection);
  }

  async getEvents(collection: string, ids: readonly string[]): Promise<Event[]> {
    const t = this.#tables.get(collection);
    if (!t) return [];
    const out: Event[] = [];
    for (const id of ids) {
      const row = t.rows.get(id);
      const e = row === undefined ? (t.events.get(id) ?? t.entities.get(id)?.genesis) : t.packed.genesis(row);
      if (e) out.push(e);
    }
    return out;
  }

  async entityEvents(collection: string, entityId: string): Promise<Event[]> {
    const t = this.#tables.get(collection);
    const row = t?.rows.get(entityId);
    if (t && row !== undefined) return [t.packed.genesis(row)];
    const h = t?.entities.get(entityId);
    if (!t || !h) return [];
    const out = (h.later ?? []).map((id) => t.events.get(id) as Event);
    if (h.genesis) out.push(h.genesis);
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}

/**
 * The full record of an entity, unpacking its row if it has one (`replaced`: the caller sets its state at
 * once, so the row's state is not rebuilt).
 */
function held(t: Table, id: string, replaced = false): Held {
  let h = t.entities.get(id);
  if (!h) {
    const row = t.rows.get(id);
    h =
      row === undefined
        ? { state: undefined, genesis: undefined, later: undefined }
        : {
            state: replaced ? undefined : t.packed.state(row),
            genesis: t.packed.genesis(row),
            later: undefined,
          };
    if (row !== undefined) {
      t.packed.remove(row);
      t.rows.delete(id);
    }
    t.entities.set(id, h);
  }
  return h;
}

/** Moves an entity to a packed row when its state is exactly what its creation event gives. */
function pack(t: Table, state: EntityState, genesis: Event): boolean {
  const p = packing(state, genesis, t.name);
  if (!p) return false;
  t.entities.delete(state.id);
  t.rows.set(state.id, t.packed.add(state.id, t.packed.layout(p.fields, p.writes), p.values));
  return true;
}

/**
 * True when a creation's writes can be its packed row's values as they are: the event has exactly the keys a
 * row rebuilds, writes LWW fields alone, in name order, and its writes record is frozen.
 */
function canPackDirectly(e: Event, writes: Readonly<Record<string, unknown>>): boolean {
  return (
    e.id === e.entityId &&
    e.parents.length === 0 &&
    Object.isFrozen(writes) &&
    sameKeys(e, EVENT_KEYS) &&
    sameKeys(e.operations, LWW_ONLY) &&
    canonicalWrites(writes)
  );
}

/** Whether a batch's states include an entity's (a scan for a few states, a set for more). */
function statedIn(states: readonly EntityState[]): (collection: string, id: string) => boolean {
  if (states.length === 0) return () => false;
  if (states.length <= 8) return (c, id) => states.some((s) => s.id === id && s.collection === c);
  let keys: Set<string> | undefined;
  return (c, id) =>
    (keys ??= new Set(states.map((s) => `${s.collection}\u0000${s.id}`))).has(`${c}\u0000${id}`);
}

function frozenEvent(e: Event): Event {
  return Object.isFrozen(e) ? e : freezeEvent(e);
}
