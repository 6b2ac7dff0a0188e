import { CausalError } from '../errors/errors';
import { type Clock } from './clock';
import { type Event } from './event';

/** Reads events for DAG walks: staged events first, then storage, then (ephemeral) a durable peer. */
export interface EventRetriever {
  /** The events with these ids that can be found; missing ids are simply absent from the result. */
  getEvents(collection: string, ids: readonly string[]): Promise<ReadonlyMap<string, Event>>;
}

/** The default bound on events visited by one causal walk. */
export const DEFAULT_WALK_BUDGET = 100_000;

/**
 * Finds which of `targets` lie in the causal past of `from` (inclusive), walking parents breadth-first.
 * Stops early once every target is found; throws CausalError when an event is missing or the budget runs out.
 */
export async function reachableTargets(
  collection: string,
  from: Clock,
  targets: ReadonlySet<string>,
  retriever: EventRetriever,
  budget = DEFAULT_WALK_BUDGET,
): Promise<Set<string>> {
  const found = new Set<string>();
  const visited = new Set<string>();
  let frontier = [...from];
  while (frontier.length > 0 && found.size < targets.size) {
    const batch = frontier.filter((id) => !visited.has(id));
    if (batch.length === 0) break;
    for (const id of batch) {
      visited.add(id);
      if (targets.has(id)) found.add(id);
    }
    if (visited.size > budget) {
      throw CausalError.create(`causal walk over ${collection} exceeded its budget of ${budget} events`);
    }
    if (found.size === targets.size) break;
    const events = await retriever.getEvents(collection, batch);
    const next: string[] = [];
    for (const id of batch) {
      const ev = events.get(id);
      if (!ev)
        throw CausalError.create(`event ${id} of ${collection} is not known; its history is incomplete`);
      for (const p of ev.parents) if (!visited.has(p)) next.push(p);
    }
    frontier = next;
  }
  return found;
}
