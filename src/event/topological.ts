import { type Event } from './event';
import { IdHeap } from './id-heap';

/**
 * Orders events parents-first; among events whose parents (within the list) are all placed, the least id goes
 * first, so the order is the same on every node. Events caught in a parent cycle are left out.
 */
export function topologicalOrder(events: readonly Event[]): Event[] {
  const byId = new Map<string, Event>();
  for (const e of events) if (!byId.has(e.id)) byId.set(e.id, e);
  const waiting = new Map<string, number>();
  const children = new Map<string, string[]>();
  const ready = new IdHeap('least');
  for (const e of byId.values()) {
    let n = 0;
    for (const p of new Set(e.parents)) {
      if (!byId.has(p)) continue;
      n++;
      const list = children.get(p);
      if (list) list.push(e.id);
      else children.set(p, [e.id]);
    }
    waiting.set(e.id, n);
    if (n === 0) ready.push(e.id);
  }
  const out: Event[] = [];
  for (let id = ready.pop(); id !== undefined; id = ready.pop()) {
    out.push(byId.get(id) as Event);
    for (const c of children.get(id) ?? []) {
      const left = (waiting.get(c) ?? 0) - 1;
      waiting.set(c, left);
      if (left === 0) ready.push(c);
    }
  }
  return out;
}
