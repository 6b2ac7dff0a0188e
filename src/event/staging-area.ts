import { type Event } from './event';

/** Default bound on staged events per node. */
export const DEFAULT_STAGING_LIMIT = 10_000;
/** Default time an event may wait for its parents before it is dropped. */
export const DEFAULT_STAGING_TTL_MS = 10 * 60_000;

interface Staged {
  readonly event: Event;
  readonly at: number;
}

/**
 * Remote events whose parents have not arrived yet, indexed by the parents they wait for. Bounded in count
 * (the oldest is dropped first) and in age; a dropped event is applied again only if it is re-sent.
 */
export class StagingArea {
  readonly #items = new Map<string, Staged>();
  readonly #byParent = new Map<string, Set<string>>();
  readonly #limit: number;
  readonly #ttl: number;
  readonly #now: () => number;

  constructor(limit = DEFAULT_STAGING_LIMIT, ttlMs = DEFAULT_STAGING_TTL_MS, now: () => number = Date.now) {
    this.#limit = limit;
    this.#ttl = ttlMs;
    this.#now = now;
  }

  get size(): number {
    return this.#items.size;
  }

  get(id: string): Event | undefined {
    return this.#items.get(id)?.event;
  }

  /** Stages an event (keeping its first arrival time); returns the events dropped to respect the bound. */
  add(event: Event): Event[] {
    if (this.#items.has(event.id)) return [];
    this.#items.set(event.id, { event, at: this.#now() });
    for (const p of event.parents) {
      const s = this.#byParent.get(p);
      if (s) s.add(event.id);
      else this.#byParent.set(p, new Set([event.id]));
    }
    const dropped: Event[] = [];
    for (const [id, s] of this.#items) {
      if (this.#items.size <= this.#limit) break;
      this.delete(id);
      dropped.push(s.event);
    }
    return dropped;
  }

  delete(id: string): void {
    const s = this.#items.get(id);
    if (!s) return;
    this.#items.delete(id);
    for (const p of s.event.parents) {
      const set = this.#byParent.get(p);
      set?.delete(id);
      if (set?.size === 0) this.#byParent.delete(p);
    }
  }

  /** Drops and returns events older than the age bound. */
  expire(): Event[] {
    const cutoff = this.#now() - this.#ttl;
    const out: Event[] = [];
    for (const [id, s] of this.#items) {
      if (s.at > cutoff) break;
      this.delete(id);
      out.push(s.event);
    }
    return out;
  }

  /** The staged events that wait, directly or through other staged events, on any of `ids`. */
  dependents(ids: Iterable<string>): Event[] {
    const out = new Map<string, Event>();
    const todo = [...ids];
    for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
      for (const child of this.#byParent.get(id) ?? []) {
        const e = this.#items.get(child)?.event;
        if (e && !out.has(child)) {
          out.set(child, e);
          todo.push(child);
        }
      }
    }
    return [...out.values()];
  }
}
