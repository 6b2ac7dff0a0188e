import { type EntityState, persistable } from '../../entity/entity-state';
import { EMPTY_CLOCK } from '../../event/clock';
import { type Event } from '../../event/event';
import { objectArray } from '../../model/object-array';
import { type LwwCandidate } from '../../property/lww';
import { TextBackend } from '../../property/text';

/** What packed entities that wrote the same fields in the same order share. */
export interface Layout {
  /** Field names in the order of the state's values (and LWW state). */
  readonly fields: readonly string[];
  /** Indexes into `fields`, in the order the creation event wrote them. */
  readonly writes: readonly number[];
}

type Values = Readonly<Record<string, unknown>>;

const NO_TOMBSTONES: readonly string[] = Object.freeze([]);

/**
 * Entities that are exactly their creation event, kept as one row: the id, the frozen values record and a
 * shared layout. Their state and creation event are rebuilt when read (each read a fresh frozen copy around the
 * same values), so an entity costs its values and a few array slots instead of a state, its per-field LWW
 * arrays and its event. A row is freed when the entity changes (it then moves to a full record) and reused.
 */
export class PackedRows {
  /** The id of each row ('' when free). */
  readonly ids: string[] = objectArray();
  /** The values of each row, frozen (undefined when free): the query row itself. */
  readonly values: (Values | undefined)[] = objectArray();
  readonly #layouts: (Layout | undefined)[] = objectArray();
  readonly #collection: string;
  readonly #interned = new Map<string, Layout>();
  readonly #free: number[] = [];
  #last: Layout | undefined;

  constructor(collection: string) {
    this.#collection = collection;
  }

  /** The interned layout of these fields and write order. */
  layout(fields: readonly string[], writes: readonly number[]): Layout {
    // Entities of one collection nearly always share a layout: compare with the last one before building a key.
    const last = this.#last;
    if (last && sameItems(last.fields, fields) && sameItems(last.writes, writes)) return last;
    const key = `${fields.join('\u0000')}\u0001${writes.join(',')}`;
    let l = this.#interned.get(key);
    if (!l) {
      l = { fields, writes };
      this.#interned.set(key, l);
    }
    this.#last = l;
    return l;
  }

  /**
   * The layout of a creation whose writes are in field order and are the values themselves (the writes are
   * then in layout order too).
   */
  layoutOf(values: Values): Layout {
    const last = this.#last;
    if (last) {
      let i = 0;
      let same = true;
      for (const k in values) {
        if (last.fields[i] !== k || last.writes[i] !== i) {
          same = false;
          break;
        }
        i++;
      }
      if (same && i === last.fields.length) return last;
    }
    const fields = Object.keys(values);
    // A loop, not `fields.map`: V8's optimized `map` returns a holey array where the unoptimized one returns a
    // packed one. The comparison above, optimized for one kind, was thrown away at the other, once per new node
    // and mid-commit (`--trace-deopt`: "wrong map").
    const writes: number[] = [];
    for (let i = 0; i < fields.length; i++) writes.push(i);
    return this.layout(fields, writes);
  }

  /** Stores one entity; returns its row. `values` must be frozen, with the layout's fields in its order. */
  add(id: string, layout: Layout, values: Values): number {
    let row = this.#free.pop();
    if (row === undefined) {
      row = this.ids.length;
      this.ids.push(id);
      this.values.push(values);
      this.#layouts.push(layout);
    } else {
      this.ids[row] = id;
      this.values[row] = values;
      this.#layouts[row] = layout;
    }
    return row;
  }

  /** Frees a row, dropping its references. */
  remove(row: number): void {
    this.ids[row] = '';
    this.values[row] = undefined;
    this.#layouts[row] = undefined;
    this.#free.push(row);
  }

  /** The entity's state, as committed: every field written once by the creation event, nothing deleted. */
  state(row: number): EntityState {
    const id = this.ids[row] as string;
    const values = this.values[row] as Values;
    const lww: Record<string, readonly LwwCandidate[]> = {};
    for (const f of (this.#layouts[row] as Layout).fields) lww[f] = [[values[f], id]];
    const head = Object.freeze([id]);
    return persistable(id, this.#collection, head, NO_TOMBSTONES, lww, TextBackend.EMPTY, values);
  }

  /** The entity's creation event, its writes in their original order. */
  genesis(row: number): Event {
    const id = this.ids[row] as string;
    const values = this.values[row] as Values;
    const { fields, writes } = this.#layouts[row] as Layout;
    const lww: Record<string, unknown> = {};
    for (const j of writes) lww[fields[j] as string] = values[fields[j] as string];
    return Object.freeze({
      id,
      entityId: id,
      collection: this.#collection,
      parents: EMPTY_CLOCK,
      operations: Object.freeze({ lww }),
    });
  }
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
