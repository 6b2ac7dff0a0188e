/**
 * For each event a merge must classify (standing writes, tombstones): the head members that descend from it.
 * When all of a new event's parents are head members, "is t in the event's past?" is then answered without a
 * walk: exactly when one of t's covering head members is a parent. Entries are dropped when unknown (after a
 * merge with stale parents, or after loading a state with several heads); a walk answers for those, and the
 * next fast-path event makes every entry known again.
 */
export class Covers {
  readonly #map: Map<string, ReadonlySet<string>>;

  constructor(map: Map<string, ReadonlySet<string>> = new Map()) {
    this.#map = map;
  }

  /** Every id covered by one head member (after the fast path, or for a state with a single head). */
  static below(head: string, ids: Iterable<string>): Covers {
    const only: ReadonlySet<string> = new Set([head]);
    const map = new Map<string, ReadonlySet<string>>();
    for (const id of ids) map.set(id, only);
    return new Covers(map);
  }

  /** True when the index knows the covering head members of `id`. */
  has(id: string): boolean {
    return this.#map.has(id);
  }

  /**
   * Whether `id` is in the past of a new event whose parents include the head members `removed`; undefined when
   * the entry cannot tell (unknown, or some parents are not head members and none of them covers `id`).
   */
  isAncestor(id: string, removed: ReadonlySet<string>, parentsInHead: boolean): boolean | undefined {
    const c = this.#map.get(id);
    if (!c) return undefined;
    for (const h of c) if (removed.has(h)) return true;
    return parentsInHead ? false : undefined;
  }

  /**
   * The index after applying event `eventId`: `removed` are the head members it superseded (its parents in the
   * head), `below(id)` whether a tracked id is in its past (undefined: unknown, the entry is dropped).
   */
  advance(
    tracked: Iterable<string>,
    eventId: string,
    removed: ReadonlySet<string>,
    below: (id: string) => boolean | undefined,
  ): Covers {
    const map = new Map<string, ReadonlySet<string>>();
    const own: ReadonlySet<string> = new Set([eventId]);
    for (const id of tracked) {
      if (id === eventId) {
        map.set(id, own);
        continue;
      }
      const c = this.#map.get(id);
      const b = below(id);
      if (!c || b === undefined) continue;
      const next = new Set<string>();
      for (const h of c) if (!removed.has(h)) next.add(h);
      if (b) next.add(eventId);
      map.set(id, next);
    }
    return new Covers(map);
  }

  /** An independent copy (entries are immutable sets, so they are shared). */
  clone(): Covers {
    return new Covers(new Map(this.#map));
  }
}
