/** One write still standing for a field: no later write descends from it. */
export type LwwCandidate = readonly [value: unknown, eventId: string];

/** Serialised last-writer-wins state: per field, the concurrent writes not yet superseded. */
export type LwwState = Readonly<Record<string, readonly LwwCandidate[]>>;

const EMPTY_STATE: LwwState = Object.freeze({});

/**
 * Last-writer-wins registers. Each field keeps the writes that no other write to it descends from; its value
 * is the one with the greatest event id. This is a pure function of the set of applied events, so every node
 * that applied the same events holds the same values whatever the arrival order.
 *
 * The backend holds its state as one record that is never mutated: `apply` builds a new record (copy on write),
 * so `state()` hands out the record itself and clones share it. Fields are kept in name order and each field's
 * candidates in event-id order, so equal states serialise to equal text.
 */
export class LwwBackend {
  #state: LwwState;

  constructor(state: LwwState = EMPTY_STATE) {
    this.#state = isEmpty(state) ? EMPTY_STATE : canonical(state);
  }

  /** The current value of a field, or undefined when never written. */
  value(field: string): unknown {
    const c = own(this.#state, field);
    return c ? winner(c)[0] : undefined;
  }

  /** Event ids of every standing write, or of the standing writes to `fields` when given. */
  candidateEvents(fields?: Iterable<string>): Set<string> {
    const out = new Set<string>();
    if (fields) {
      for (const f of fields) for (const c of own(this.#state, f) ?? []) out.add(c[1]);
    } else {
      for (const f in this.#state) for (const c of this.#state[f] as readonly LwwCandidate[]) out.add(c[1]);
    }
    return out;
  }

  /**
   * Applies one event's writes. `isAncestor(id)` tells whether an earlier write is in the event's causal past.
   * Returns the fields whose value changed.
   */
  apply(
    eventId: string,
    writes: Readonly<Record<string, unknown>>,
    isAncestor: (id: string) => boolean,
  ): string[] {
    if (this.#state === EMPTY_STATE) return this.#first(eventId, writes);
    const changed: string[] = [];
    let next: Record<string, readonly LwwCandidate[]> | undefined;
    let added = false;
    for (const field in writes) {
      if (!Object.prototype.hasOwnProperty.call(writes, field)) continue;
      const value = writes[field] === undefined ? null : writes[field];
      const before = own(next ?? this.#state, field);
      const prior = before ? winner(before)[0] : undefined;
      let kept: LwwCandidate[];
      if (before) {
        kept = before.filter((c) => c[1] !== eventId && !isAncestor(c[1]));
        kept.push([value, eventId]);
        // Sorted by event id, so the state is the same bytes on every node whatever the arrival order.
        if (kept.length > 1) kept.sort((x, y) => (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
      } else {
        kept = [[value, eventId]];
        added = true;
      }
      next ??= { ...this.#state };
      next[field] = kept;
      if (!sameValue(prior, winner(kept)[0])) changed.push(field);
    }
    if (next) this.#state = added ? sorted(next) : next;
    return changed;
  }

  /** The first writes (a creation event): every field is new, so the record is built once, in name order. */
  #first(eventId: string, writes: Readonly<Record<string, unknown>>): string[] {
    const fields = Object.keys(writes).sort();
    if (fields.length > 0) this.#state = firstState(eventId, fields, writes);
    return fields;
  }

  /**
   * The state after one event's writes on an empty backend, and the values it shows (both in name order): what
   * `new LwwBackend()` then `apply` and `collect` give, without the backend.
   */
  static first(
    eventId: string,
    writes: Readonly<Record<string, unknown>>,
  ): { state: LwwState; values: Record<string, unknown> } {
    const shape = shapeOf(writes);
    const fields = shape.sorted;
    if (fields.length === 0) return { state: EMPTY_STATE, values: {} };
    const values: Record<string, unknown> = {};
    const state: Record<string, readonly LwwCandidate[]> = {};
    for (const f of fields) {
      const v = writes[f] === undefined ? null : writes[f];
      values[f] = v;
      state[f] = [[v, eventId]];
    }
    return { state, values };
  }

  /** Writes every field's value into `out`, fields in name order. */
  collect(out: Record<string, unknown>): void {
    for (const field in this.#state) out[field] = winner(this.#state[field] as readonly LwwCandidate[])[0];
  }

  /** The serialisable state; fields in name order. The record is shared and must not be mutated. */
  state(): LwwState {
    return this.#state;
  }

  /** An independent copy (the state record is immutable, so it is shared). */
  clone(): LwwBackend {
    return new LwwBackend(this.#state);
  }
}

/** The fields of a write record: in their own order and in name order. */
interface Shape {
  readonly keys: readonly string[];
  readonly sorted: readonly string[];
}

/** The shapes seen last (creations of a few models): their records are built in name order without a sort. */
const shapes: Shape[] = [];
const MAX_SHAPES = 8;

function shapeOf(writes: Readonly<Record<string, unknown>>): Shape {
  const keys = Object.keys(writes);
  next: for (const shape of shapes) {
    if (shape.keys.length !== keys.length) continue;
    for (let i = 0; i < keys.length; i++) if (shape.keys[i] !== keys[i]) continue next;
    return shape;
  }
  const sorted = [...keys].sort();
  const shape = { keys, sorted };
  if (shapes.length >= MAX_SHAPES) shapes.shift();
  shapes.push(shape);
  return shape;
}

function firstState(
  eventId: string,
  fields: readonly string[],
  writes: Readonly<Record<string, unknown>>,
): LwwState {
  const next: Record<string, readonly LwwCandidate[]> = {};
  for (const f of fields) next[f] = [[writes[f] === undefined ? null : writes[f], eventId]];
  return next;
}

function isEmpty(state: LwwState): boolean {
  for (const k in state) if (Object.prototype.hasOwnProperty.call(state, k)) return false;
  return true;
}

function own(state: LwwState, field: string): readonly LwwCandidate[] | undefined {
  return Object.prototype.hasOwnProperty.call(state, field) ? state[field] : undefined;
}

/** The state with fields in name order (the same record when they already are). */
function canonical(state: LwwState): LwwState {
  let prev: string | undefined;
  for (const k in state) {
    if (prev !== undefined && k < prev) return sorted(state);
    prev = k;
  }
  return state;
}

function sorted(state: LwwState): Record<string, readonly LwwCandidate[]> {
  const out: Record<string, readonly LwwCandidate[]> = {};
  for (const k of Object.keys(state).sort()) out[k] = state[k] as readonly LwwCandidate[];
  return out;
}

const NO_WRITE: LwwCandidate = [undefined, ''];

function winner(cs: readonly LwwCandidate[]): LwwCandidate {
  let best = cs[0] ?? NO_WRITE;
  for (let i = 1; i < cs.length; i++) {
    const c = cs[i] as LwwCandidate;
    if (c[1] > best[1]) best = c;
  }
  return best;
}

/** Structural equality for stored values (JSON data). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
