import { clockOf, type Clock } from '../../../src/event/clock';
import { type Event, type Operations } from '../../../src/event/event';
import { type EventRetriever } from '../../../src/event/lineage';

export const COLLECTION = 'dag_test';

/** An in-memory event log that serves causal walks and counts what they read. */
export class EventLog implements EventRetriever {
  readonly events = new Map<string, Event>();
  reads = 0;

  add(event: Event): Event {
    this.events.set(event.id, event);
    return event;
  }

  async getEvents(_collection: string, ids: readonly string[]): Promise<ReadonlyMap<string, Event>> {
    const out = new Map<string, Event>();
    for (const id of ids) {
      const e = this.events.get(id);
      this.reads++;
      if (e) out.set(id, e);
    }
    return out;
  }
}

/** Zero-padded ids sort like their numbers, so index order is a topological order. */
export function idOf(i: number): string {
  return `E${String(i).padStart(5, '0')}`;
}

/** One event of the test entity `entityId` (default: the genesis id E00000). */
export function event(
  id: string,
  parents: readonly string[],
  ops: Operations = {},
  entityId = idOf(0),
): Event {
  return { id, entityId, collection: COLLECTION, parents: clockOf(parents), operations: ops };
}

/** Reduces a set of event ids to its maximal elements (an antichain). */
export function antichain(ids: Iterable<string>, ancestors: (id: string) => ReadonlySet<string>): Clock {
  const set = new Set(ids);
  return clockOf([...set].filter((id) => ![...set].some((o) => o !== id && ancestors(o).has(id))));
}

/** Strict ancestors of every event of a DAG, computed naively. */
export function ancestorSets(events: readonly Event[]): (id: string) => ReadonlySet<string> {
  const byId = new Map(events.map((e) => [e.id, e]));
  const memo = new Map<string, Set<string>>();
  const anc = (id: string): Set<string> => {
    let s = memo.get(id);
    if (!s) {
      s = new Set<string>();
      for (const p of byId.get(id)?.parents ?? []) {
        s.add(p);
        for (const a of anc(p)) s.add(a);
      }
      memo.set(id, s);
    }
    return s;
  };
  return anc;
}

/** Picks a parents-first order of `events` driven by `choices` (any numbers). */
export function linearExtension(events: readonly Event[], choices: readonly number[]): Event[] {
  const left = [...events];
  const done = new Set<string>();
  const out: Event[] = [];
  let k = 0;
  while (left.length > 0) {
    const ready = left.filter((e) => e.parents.every((p) => done.has(p)));
    const pick = ready[(choices[k++ % Math.max(1, choices.length)] ?? 0) % ready.length] as Event;
    out.push(pick);
    done.add(pick.id);
    left.splice(left.indexOf(pick), 1);
  }
  return out;
}
