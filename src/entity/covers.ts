/**
 * For each event a merge must classify (standing writes, tombstones): the head members that descend from it.
 * When all of a new event's parents are head members, "is t in the event's past?" is then answered without a
 * walk: exactly when one of t's covering head members is a parent. Entries are dropped when unknown (after a
 * merge with stale parents, or after loading a state with several heads); a walk answers for those, and the
 * next fast-path event makes every entry known again.
 *
 * After a fast-path event (or for a state with a single head) every tracked id is covered by that one head
 * member; the index then holds just that id instead of one entry per tracked id. Callers only ask about ids
 * the entity tracks, which is what makes this compact form exact.
 */
export class Covers {
  readonly #map: Map<string, ReadonlySet<string>> | undefined;
  readonly #single: string | undefined;

  private constructor(map: Map<string, ReadonlySet<string>> | undefined, single: string | undefined) {
    this.#map = map;
    this.#single = single;
  }

  static readonly #EMPTY = new Covers(undefined, undefined);

  /** An index that knows nothing. */
  static empty(): Covers {
    return Covers.#EMPTY;
  }

  /** Every tracked id covered by one head member (after the fast path, or for a state with a single head). */
  static below(head: string): Covers {
    return new Covers(undefined, head);
  }

  /** True when the index knows the covering head members of the tracked id `id`. */
  has(id: string): boolean {
    return this.#single !== undefined || (this.#map?.has(id) ?? false);
  }

  /**
   * Whether the tracked id `id` is in the past of a new event whose parents include the head members `removed`;
   * undefined when the entry cannot tell (unknown, or some parents are not head members and none of them covers
   * `id`).
   */
  isAncestor(id: string, removed: ReadonlySet<string>, parentsInHead: boolean): boolean | undefined {
    if (this.#single !== undefined) {
      if (removed.has(this.#single)) return true;
      return parentsInHead ? false : undefined;
    }
    const c = this.#map?.get(id);
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
    const single = this.#single === undefined ? undefined : new Set([this.#single]);
    for (const id of tracked) {
      if (id === eventId) {
        map.set(id, own);
        continue;
      }
      const c = single ?? this.#map?.get(id);
      const b = below(id);
      if (!c || b === undefined) continue;
      const next = new Set<string>();
      for (const h of c) if (!removed.has(h)) next.add(h);
      if (b) next.add(eventId);
      map.set(id, next);
    }
    return new Covers(map, undefined);
  }

  /** An independent copy (the index is never mutated after construction, so it is shared). */
  clone(): Covers {
    return this;
  }
}
