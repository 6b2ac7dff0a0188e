import { type Event } from './event';
import { checkSameEntity } from './lineage';
import { topologicalOrder } from './topological';
import { entityKey } from './entity-key';

/** A batch split into what can be applied now (parents first) and what still waits for unknown parents. */
export interface BatchPlan {
  readonly ready: readonly Event[];
  readonly waiting: readonly Event[];
}

/** The parents of one entity's events that lie outside the batch. */
export interface OutsideParents {
  readonly collection: string;
  readonly entityId: string;
  readonly ids: readonly string[];
}

/** Answers which of these event ids (grouped by entity, so one call can serve a whole batch) are applied. */
export type KnownEvents = (groups: readonly OutsideParents[]) => Promise<Set<string>>;

/**
 * Orders a batch parents-first whatever order it arrived in. An event is ready when each parent is already
 * applied (per `known`) or ready before it in the batch; the others wait. A parent in the batch that is an
 * event of another entity is refused (CausalError); `known` refuses those outside the batch.
 */
export async function planBatch(events: readonly Event[], known: KnownEvents): Promise<BatchPlan> {
  const inBatch = new Map(events.map((e) => [e.id, e]));
  const outside = new Map<string, { collection: string; entityId: string; ids: Set<string> }>();
  for (const e of events) {
    for (const p of e.parents) {
      const sibling = inBatch.get(p);
      if (sibling) {
        checkSameEntity(e, sibling);
        continue;
      }
      const key = entityKey(e.collection, e.entityId);
      let g = outside.get(key);
      if (!g) {
        g = { collection: e.collection, entityId: e.entityId, ids: new Set() };
        outside.set(key, g);
      }
      g.ids.add(p);
    }
  }
  const groups = [...outside.values()].map((g) => ({ ...g, ids: [...g.ids] }));
  const applied = groups.length > 0 ? await known(groups) : new Set<string>();
  const readyIds = new Set<string>();
  const ready: Event[] = [];
  for (const e of topologicalOrder(events)) {
    if (e.parents.every((p) => applied.has(p) || readyIds.has(p))) {
      readyIds.add(e.id);
      ready.push(e);
    }
  }
  return { ready, waiting: events.filter((e) => !readyIds.has(e.id)) };
}
