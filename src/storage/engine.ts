import { type EntityState } from '../entity/entity-state';
import { type Clock } from '../event/clock';
import { type Event } from '../event/event';
import { type FieldType } from '../model/field-type';
import { type Selection } from '../query/ast';

/** A declared field as a storage engine sees it: what to materialise and index. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly index: boolean;
}

/** A collection as a storage engine sees it. Collections a node only learns of at run time have no columns. */
export interface CollectionSpec {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
}

/** What one commit persists: new events and the states that result from them. */
export interface CommitBatch {
  readonly events: readonly Event[];
  readonly states: readonly EntityState[];
  /**
   * The stored head each state was computed from, index-aligned with `states` (null: the entity was not
   * stored). A shared engine writes a state only while the stored head is still this one (compare-and-set);
   * single-writer engines may ignore it. States past its end are written unconditionally.
   */
  readonly heads?: readonly (Clock | null)[];
  /**
   * Creations whose state is left out of `states` (each event is also in `events`): an entity new to the
   * engine whose state is exactly `genesisState(event)`, with no other event in the batch. Given only to an
   * engine that declares `takesCreations`; it keeps that state as if it had been in `states`.
   */
  readonly created?: readonly Event[];
}

/**
 * A storage engine keeps every event and the current state of every entity.
 *
 * Invariants every engine keeps:
 * - `commit` is atomic: all events and states of the batch are kept, or none are (a failure rejects with
 *   StorageError and leaves no trace of the batch).
 * - Events are written before the states that reference them, in the same transaction.
 * - Re-writing an event that is already kept is a no-op (ids are unique; the first copy stays).
 * - `fetchStates` never returns deleted entities and gives exactly the answer of the in-memory AnkQL evaluator
 *   (the same filter, null rules, code-point collation, ORDER BY with id tie-break, LIMIT).
 * - Returned objects are copies: mutating them never changes what is stored.
 * - Writers: by default one writer per database. A durable engine (an SQLite file, a Postgres schema, a MySQL
 *   database) takes a lock when it opens, held until `close` or the death of the process, and refuses to open
 *   with StorageError while another engine, in this process or another, holds it: two unconditional writers
 *   would lose acknowledged writes. Engines opened in shared mode (`shared: true`, Postgres and MySQL) do not
 *   exclude each other (Postgres holds the lock shared, which keeps single writers out); each writes a state
 *   of a batch that carries `heads` only while the stored head is the given one: otherwise the whole batch is refused with StorageConflict (nothing kept), and the
 *   caller reloads those entities, merges and retries. Tables are created under a database lock either way,
 *   so nodes starting together never race on DDL.
 */
export interface StorageEngine {
  /** A short name for messages and benchmarks ("memory", "sqlite", "postgres"). */
  readonly kind: string;
  /** True when several engines may write the same database at once (compare-and-set on `CommitBatch.heads`). */
  readonly shared?: boolean;
  /**
   * True when the engine derives a plain creation's state itself (`CommitBatch.created`), so a bulk create
   * need not build a state per entity. Engines that leave it unset always get every state in `states`.
   */
  readonly takesCreations?: boolean;
  /** Declares (or re-declares) a collection; creates its tables and indexes if missing. Idempotent. */
  ensureCollection(spec: CollectionSpec): Promise<void>;
  /** Every collection that has data or was declared. */
  collections(): Promise<string[]>;
  /** Persists a batch atomically (see the invariants above). */
  commit(batch: CommitBatch): Promise<void>;
  /** The state of one entity, deleted or not; undefined when unknown. */
  getState(collection: string, id: string): Promise<EntityState | undefined>;
  /** The states of live (not deleted) entities matching a selection, in selection order. */
  fetchStates(collection: string, selection: Selection): Promise<EntityState[]>;
  /** The events with these ids that are kept (any order); unknown ids are skipped. */
  getEvents(collection: string, ids: readonly string[]): Promise<Event[]>;
  /** Every kept event of one entity, ordered by id. */
  entityEvents(collection: string, entityId: string): Promise<Event[]>;
  /** Releases connections and handles; the engine is unusable afterwards. */
  close(): Promise<void>;
}
