import { type Clock } from '../event/clock';
import { isGenesis, type Event } from '../event/event';
import { LwwBackend, type LwwState } from '../property/lww';
import { TextBackend, type TextState } from '../property/text';

/** The full persisted state of one entity: what a storage engine keeps in its state table. */
export interface EntityState {
  readonly id: string;
  readonly collection: string;
  readonly head: Clock;
  readonly deleted: boolean;
  /** The least tombstone event id, when deleted. */
  readonly deletedBy?: string | undefined;
  /** Every tombstone event id, sorted: an edit descending from any of them is rejected. */
  readonly tombstones?: readonly string[];
  readonly lww: LwwState;
  readonly text: TextState;
  /** Every field's current value (text as strings): the materialised columns and the query input. */
  readonly values: Readonly<Record<string, unknown>>;
}

const NO_TOMBSTONES: readonly string[] = Object.freeze([]);

/** The frozen persisted form of an entity's parts, its keys always in this order (deleted: with tombstones). */
export function persistable(
  id: string,
  collection: string,
  head: Clock,
  tombstones: readonly string[],
  lww: LwwState,
  text: TextState,
  values: Readonly<Record<string, unknown>>,
): EntityState {
  return Object.freeze(
    tombstones.length > 0
      ? { id, collection, head, deleted: true, deletedBy: tombstones[0], tombstones, lww, text, values }
      : { id, collection, head, deleted: false, lww, text, values },
  );
}

/** True for a creation event that writes LWW fields alone (no text, no delete): genesisState gives its state. */
export function isPlainCreation(event: Event): boolean {
  const ops = event.operations;
  return isGenesis(event) && !ops.text && !ops.delete;
}

/**
 * The state an entity reaches by applying only its creation event, when that event writes LWW fields alone
 * (no text, no delete); undefined for any other event.
 */
export function genesisState(event: Event): EntityState | undefined {
  if (!isPlainCreation(event)) return undefined;
  const { state, values } = LwwBackend.first(event.id, event.operations.lww ?? {});
  return persistable(
    event.entityId,
    event.collection,
    Object.freeze([event.id]),
    NO_TOMBSTONES,
    state,
    TextBackend.EMPTY,
    Object.freeze(values),
  );
}

/**
 * True when a creation's LWW writes are already the values its state shows: fields in name order (code units,
 * as LwwBackend sorts them), no undefined (stored as null), no `__proto__` (not rebuildable by assignment).
 */
export function canonicalWrites(writes: Readonly<Record<string, unknown>>): boolean {
  let prev: string | undefined;
  for (const k in writes) {
    if (!Object.prototype.hasOwnProperty.call(writes, k)) return false;
    if ((prev !== undefined && k <= prev) || k === '__proto__' || writes[k] === undefined) return false;
    prev = k;
  }
  return true;
}

/** The values `genesisState(event)` shows, without building the state: the event's own writes when canonical. */
export function genesisValues(event: Event): Readonly<Record<string, unknown>> {
  const writes = event.operations.lww ?? {};
  return canonicalWrites(writes) ? writes : LwwBackend.first(event.id, writes).values;
}
