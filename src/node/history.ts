import { type Event } from '../event/event';

/** Orders events parents-first; among events whose parents are all placed, the smaller id goes first. */
export function topologicalOrder(events: readonly Event[]): Event[] {
  const byId = new Map(events.map((e) => [e.id, e]));
  const waiting = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const e of events) {
    let n = 0;
    for (const p of e.parents) {
      if (!byId.has(p)) continue;
      n++;
      const list = children.get(p);
      if (list) list.push(e.id);
      else children.set(p, [e.id]);
    }
    waiting.set(e.id, n);
  }
  const ready = events.filter((e) => waiting.get(e.id) === 0).map((e) => e.id);
  const out: Event[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    const id = ready.pop() as string;
    out.push(byId.get(id) as Event);
    for (const c of children.get(id) ?? []) {
      const left = (waiting.get(c) ?? 0) - 1;
      waiting.set(c, left);
      if (left === 0) ready.push(c);
    }
  }
  return out;
}
