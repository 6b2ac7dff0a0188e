import { type EntityState } from '../../entity/entity-state';
import { type Event } from '../../event/event';
import { TextBackend } from '../../property/text';

/** What a packed row keeps of an entity: its field names, its creation event's write order, its values. */
export interface Packing {
  readonly fields: readonly string[];
  readonly writes: readonly number[];
  /** The state's values, frozen. */
  readonly values: Readonly<Record<string, unknown>>;
}

const STATE_KEYS = ['id', 'collection', 'head', 'deleted', 'lww', 'text', 'values'];
/** The keys of an event, in the order a packed row rebuilds them. */
export const EVENT_KEYS: readonly string[] = ['id', 'entityId', 'collection', 'parents', 'operations'];
/** The keys of a creation's operations that writes LWW fields alone. */
export const LWW_ONLY: readonly string[] = ['lww'];

/**
 * How to pack an entity whose state is exactly what its creation event alone gives (every field written once
 * by it, no text, not deleted), with both objects in the very shape a packed row rebuilds, so a read returns
 * an equal state and event; undefined for any other entity, which keeps its full record.
 */
export function packing(state: EntityState, genesis: Event, collection: string): Packing | undefined {
  const id = state.id;
  if (state.collection !== collection || genesis.collection !== collection || genesis.id !== id)
    return undefined;
  if (genesis.entityId !== id || genesis.parents.length !== 0 || !sameKeys(genesis, EVENT_KEYS))
    return undefined;
  if (!sameKeys(state, STATE_KEYS) || state.deleted || !isEmptyText(state.text)) return undefined;
  if (state.head.length !== 1 || state.head[0] !== id) return undefined;
  const ops = genesis.operations;
  const written = ops.lww;
  if (!written || !sameKeys(ops, LWW_ONLY)) return undefined;
  const values = state.values;
  const fields: string[] = [];
  for (const f in values) {
    if (!Object.prototype.hasOwnProperty.call(values, f)) continue;
    // A field named like this cannot be rebuilt by assignment.
    if (f === '__proto__') return undefined;
    fields.push(f);
  }
  let i = 0;
  for (const f in state.lww) {
    if (!Object.prototype.hasOwnProperty.call(state.lww, f)) continue;
    const cs = state.lww[f];
    const c = cs?.[0];
    if (fields[i] !== f || cs?.length !== 1 || c?.length !== 2 || c[1] !== id || !Object.is(c[0], values[f]))
      return undefined;
    i++;
  }
  if (i !== fields.length) return undefined;
  const writes: number[] = [];
  for (const f in written) {
    if (!Object.prototype.hasOwnProperty.call(written, f)) continue;
    // A handful of fields: a linear search beats building a map per entity.
    const j = fields.indexOf(f);
    if (j < 0 || !Object.is(written[f], values[f])) return undefined;
    writes.push(j);
  }
  if (writes.length !== fields.length) return undefined;
  const frozen = Object.isFrozen(state.values) ? state.values : Object.freeze({ ...state.values });
  return { fields, writes, values: frozen };
}

/** True when `o`'s own enumerable keys are exactly `keys`, in that order. */
export function sameKeys(o: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
    if (k !== keys[i]) return false;
    i++;
  }
  return i === keys.length;
}

function isEmptyText(text: EntityState['text']): boolean {
  if (text === TextBackend.EMPTY) return true;
  for (const k in text) if (Object.prototype.hasOwnProperty.call(text, k)) return false;
  return true;
}
