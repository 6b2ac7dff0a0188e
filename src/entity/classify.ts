import { CausalError } from '../errors/causal-error';
import { type Clock } from '../event/clock';
import { type Event } from '../event/event';
import { checkSameEntity, reachableTargets, type EventRetriever } from '../event/lineage';
import { type Covers } from './covers';

/** What a merge reads of the entity it merges into. */
export interface MergeTarget {
  readonly collection: string;
  readonly head: Clock;
  readonly tombstones: readonly string[];
  readonly covers: Covers;
  /** The events of the standing writes to `fields` (to every field when omitted). */
  standingWrites(fields?: Iterable<string>): Set<string>;
}

/** Every event a merge may have to classify: standing writes and tombstones. */
export function trackedIds(target: MergeTarget): Set<string> {
  const out = target.standingWrites();
  for (const t of target.tombstones) out.add(t);
  return out;
}

/**
 * Decides, for every event a merge needs (standing writes to the fields the event writes, tombstones),
 * whether it is in the event's past: from the cover index when it can tell, from the past of the event's base
 * (`basePast`) when given, otherwise by one walk. The answer is undefined for ids it was not asked about.
 */
export async function classify(
  target: MergeTarget,
  event: Event,
  retriever: EventRetriever,
  budget: number | undefined,
  basePast: ReadonlySet<string> | undefined,
): Promise<(id: string) => boolean | undefined> {
  const head = new Set(target.head);
  const parentsInHead = event.parents.every((p) => head.has(p));
  const removed = new Set(event.parents.filter((p) => head.has(p)));
  if (!parentsInHead && !basePast) await checkOutsideParents(target.collection, event, head, retriever);
  const known = new Map<string, boolean>();
  const unknown = new Set<string>();
  const needed = target.standingWrites(Object.keys(event.operations.lww ?? {}));
  for (const t of target.tombstones) needed.add(t);
  for (const t of trackedIds(target)) {
    // Head members are pairwise concurrent, so one is in the past of the event exactly when it is a parent.
    const k = head.has(t) ? removed.has(t) : target.covers.isAncestor(t, removed, parentsInHead);
    if (k !== undefined) known.set(t, k);
    // Walk for what this merge needs, and for what keeps the cover index whole (so later merges need not).
    else if (needed.has(t) || target.covers.has(t)) unknown.add(t);
  }
  if (unknown.size > 0 && basePast) {
    // A tracked id in the event's past is in the base's events; being standing here, it is standing there.
    for (const t of unknown) known.set(t, basePast.has(t));
  } else if (unknown.size > 0) {
    const past = await reachableTargets(target.collection, event.parents, unknown, retriever, budget);
    for (const t of unknown) known.set(t, past.has(t));
  }
  return (id) => known.get(id) ?? (head.has(id) ? removed.has(id) : undefined);
}

/** The event's parents outside the head must be stored events of the same entity. */
async function checkOutsideParents(
  collection: string,
  event: Event,
  head: ReadonlySet<string>,
  retriever: EventRetriever,
): Promise<void> {
  const outside = event.parents.filter((p) => !head.has(p));
  const got = await retriever.getEvents(collection, outside);
  const lost = outside.find((p) => !got.has(p));
  if (lost !== undefined) throw CausalError.missingParent(lost, event.id);
  for (const p of outside) checkSameEntity(event, got.get(p) as Event);
}
