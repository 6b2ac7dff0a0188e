import { CausalError } from '../errors/causal-error';
import { type Event } from './event';
import { clockNow, idTime } from './ids';

/**
 * Refuses the whole batch when an event is dated more than `maxSkewMs` ahead of this node's clock: among
 * concurrent writes the greatest id wins, so a writer dating its ids ahead would win every conflict for as
 * long as it is ahead, and an id at the end of the id space would leave no room for any later one. An event
 * whose greatest parent is itself dated further ahead (stored before the bound existed, or under a larger
 * one) may be dated up to 1 ms after that parent: the least id a writer can mint after it (newIdAfter).
 * Infinity turns the check off.
 */
export function checkClockSkew(events: readonly Event[], maxSkewMs: number): void {
  if (maxSkewMs === Infinity) return;
  const now = clockNow();
  const limit = now + maxSkewMs;
  for (const e of events) {
    const t = idTime(e.id);
    if (t <= limit) continue;
    let floor = '';
    for (const p of e.parents) if (p > floor) floor = p;
    if (floor !== '' && t <= idTime(floor) + 1) continue;
    throw CausalError.clockSkew(e, describeLead(t - now), maxSkewMs);
  }
}

function describeLead(ms: number): string {
  if (ms < 48 * 3_600_000) return `${Math.ceil(ms)} ms ahead`;
  const days = ms / 86_400_000;
  return days < 1e6 ? `${Math.round(days)} days ahead` : 'past the range of any clock, far ahead';
}
