/** A sorted, duplicate-free set of event ids: an entity's head or an event's parents. */
export type Clock = readonly string[];

/** An empty clock: the head of an entity that does not exist yet. */
export const EMPTY_CLOCK: Clock = Object.freeze([]) as Clock;

/** Sorts and deduplicates ids into a frozen clock. */
export function clockOf(ids: Iterable<string>): Clock {
  return Object.freeze([...new Set(ids)].sort()) as Clock;
}

/** True when two clocks hold the same ids. */
export function clockEquals(a: Clock, b: Clock): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
