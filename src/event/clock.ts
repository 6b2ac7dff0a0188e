/** A sorted, duplicate-free set of event ids: an entity's head or an event's parents. */
export type Clock = readonly string[];

/** An empty clock: the head of an entity that does not exist yet. */
export const EMPTY_CLOCK: Clock = Object.freeze([]) as Clock;

/** Sorts and deduplicates ids into a frozen clock. */
export function clockOf(ids: Iterable<string>): Clock {
  // Most clocks are one id, or arrive sorted (validated wire input): copied without a set and a sort.
  if (Array.isArray(ids) && isSorted(ids as readonly string[]))
    return Object.freeze((ids as string[]).slice());
  return Object.freeze([...new Set(ids)].sort()) as Clock;
}

/** True when the ids are strictly ascending (so also free of duplicates), as `sort()` orders strings. */
function isSorted(ids: readonly string[]): boolean {
  for (let i = 1; i < ids.length; i++) if (!((ids[i - 1] as string) < (ids[i] as string))) return false;
  return true;
}

/** True when two clocks hold the same ids. */
export function clockEquals(a: Clock, b: Clock): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
