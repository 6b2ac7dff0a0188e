/** One write still standing for a field: no later write descends from it. */
export type LwwCandidate = readonly [value: unknown, eventId: string];

/** Serialised last-writer-wins state: per field, the concurrent writes not yet superseded. */
export type LwwState = Readonly<Record<string, readonly LwwCandidate[]>>;

/**
 * Last-writer-wins registers. Each field keeps the writes that no other write to it descends from; its value
 * is the one with the greatest event id. This is a pure function of the set of applied events, so every node
 * that applied the same events holds the same values whatever the arrival order.
 */
export class LwwBackend {
  readonly #fields: Map<string, LwwCandidate[]>;

  constructor(state: LwwState = {}) {
    this.#fields = new Map(Object.entries(state).map(([k, v]) => [k, [...v]]));
  }

  /** The current value of a field, or undefined when never written. */
  value(field: string): unknown {
    const c = this.#fields.get(field);
    return c ? winner(c)[0] : undefined;
  }

  /** Event ids of every standing write, or of the standing writes to `fields` when given. */
  candidateEvents(fields?: Iterable<string>): Set<string> {
    const out = new Set<string>();
    if (fields) {
      for (const f of fields) for (const c of this.#fields.get(f) ?? []) out.add(c[1]);
    } else {
      for (const cs of this.#fields.values()) for (const c of cs) out.add(c[1]);
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
    const changed: string[] = [];
    for (const field of Object.keys(writes)) {
      const value = writes[field] === undefined ? null : writes[field];
      const before = this.#fields.get(field);
      const prior = before ? winner(before)[0] : undefined;
      const kept = before ? before.filter((c) => c[1] !== eventId && !isAncestor(c[1])) : [];
      kept.push([value, eventId]);
      // Sorted by event id, so the state is the same bytes on every node whatever the arrival order.
      kept.sort((x, y) => (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
      this.#fields.set(field, kept);
      if (!sameValue(prior, winner(kept)[0])) changed.push(field);
    }
    return changed;
  }

  /** Writes every field's value into `out`, fields in name order. */
  collect(out: Record<string, unknown>): void {
    for (const field of this.#names()) out[field] = winner(this.#fields.get(field) ?? [])[0];
  }

  /** The serialisable state; fields in name order, so equal states serialise to equal text. */
  state(): LwwState {
    const out: Record<string, readonly LwwCandidate[]> = {};
    for (const field of this.#names()) out[field] = (this.#fields.get(field) ?? []).slice();
    return out;
  }

  #names(): string[] {
    return [...this.#fields.keys()].sort();
  }

  /** An independent copy. */
  clone(): LwwBackend {
    return new LwwBackend(this.state());
  }
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
