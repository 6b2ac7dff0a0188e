import { type Event } from '../../event/event';
import { topologicalOrder as order } from '../../event/topological';

/** Orders an entity's events for `ctx.history`: parents first, ties by least id, merged branches included. */
export function topologicalOrder(events: readonly Event[]): Event[] {
  return order(events);
}
