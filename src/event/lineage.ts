import { CausalError } from '../errors/causal-error';
import { type Clock } from './clock';
import { type Event } from './event';
import { IdHeap } from './id-heap';

/** Reads events for DAG walks: staged events first, then storage, then (ephemeral) a durable peer. */
export interface EventRetriever {
  /** The events with these ids that can be found; missing ids are simply absent from the result. */
  getEvents(collection: string, ids: readonly string[]): Promise<ReadonlyMap<string, Event>>;
}

/** The default bound on events visited by one causal walk. */
export const DEFAULT_WALK_BUDGET = 100_000;

const FETCH_BATCH = 256;

/**
 * Rejects an event whose id does not sort after each of its parents. Every node mints ids that way
 * (newIdAfter), and walks rely on it: visiting ids in descending order visits children before parents.
 */
export function checkParentOrder(event: Event): void {
  for (const p of event.parents) {
    if (p >= event.id) {
      throw CausalError.parentOrder(event, p);
    }
  }
}

/**
 * Rejects a parent that is an event of another entity: an entity's history holds its own events only, so a
 * parent found under that id elsewhere is a forgery (it would graft the other entity's history onto this one).
 */
export function checkSameEntity(
  event: Pick<Event, 'collection' | 'entityId'> & { readonly id?: string },
  parent: Event,
): void {
  if (parent.entityId !== event.entityId || parent.collection !== event.collection) {
    const child =
      event.id !== undefined ? `event ${event.id}` : `an event of ${event.collection}/${event.entityId}`;
    throw CausalError.foreignParent(child, parent, event);
  }
}

/** Fetches and caches the events one walk visits, and counts them against the budget. */
export class WalkReader {
  readonly #cache = new Map<string, Event>();
  #visited = 0;

  constructor(
    readonly collection: string,
    readonly retriever: EventRetriever,
    readonly budget: number,
  ) {}

  /** Counts one visited event; throws CausalError past the budget. */
  visit(): void {
    if (++this.#visited > this.budget) {
      throw CausalError.budgetExceeded(this.collection, this.budget);
    }
  }

  /** The events of `ids` (fetched together with `prefetch` when not cached); CausalError when one is missing. */
  async read(ids: readonly string[], prefetch: () => string[] = () => []): Promise<Event[]> {
    const missing = ids.filter((id) => !this.#cache.has(id));
    if (missing.length > 0) {
      const want = new Set(missing);
      for (const id of prefetch()) {
        if (want.size >= FETCH_BATCH) break;
        if (!this.#cache.has(id)) want.add(id);
      }
      const got = await this.retriever.getEvents(this.collection, [...want]);
      for (const [id, e] of got) {
        checkParentOrder(e);
        this.#cache.set(id, e);
      }
    }
    return ids.map((id) => {
      const e = this.#cache.get(id);
      if (!e) {
        throw CausalError.unknownEvent(id, this.collection);
      }
      return e;
    });
  }
}

/**
 * Finds which of `targets` lie in the causal past of `from` (inclusive), walking parents from the greatest id
 * down. Since ids sort parents-first, the walk stops once every unvisited id is below the least target still
 * unresolved: its cost is the number of ancestors newer than that target. Throws CausalError when an event is
 * missing or the budget runs out.
 */
export async function reachableTargets(
  collection: string,
  from: Clock,
  targets: ReadonlySet<string>,
  retriever: EventRetriever,
  budget = DEFAULT_WALK_BUDGET,
): Promise<Set<string>> {
  const found = new Set<string>();
  const pending = [...targets].sort();
  let low = 0;
  const seen = new Set<string>();
  const queue = new IdHeap();
  for (const id of from) {
    if (!seen.has(id)) {
      seen.add(id);
      queue.push(id);
    }
  }
  const reader = new WalkReader(collection, retriever, budget);
  for (;;) {
    while (low < pending.length && found.has(pending[low] as string)) low++;
    const floor = pending[low];
    const top = queue.peek();
    if (floor === undefined || top === undefined || top < floor) return found;
    const batch: string[] = [];
    while (batch.length < FETCH_BATCH && (queue.peek() ?? '') >= floor) {
      reader.visit();
      batch.push(queue.pop() as string);
    }
    for (const id of batch) if (targets.has(id)) found.add(id);
    for (const event of await reader.read(batch)) {
      for (const p of event.parents) {
        if (!seen.has(p)) {
          seen.add(p);
          queue.push(p);
        }
      }
    }
  }
}
