import { type EntityState } from '../../entity/entity-state';
import { type Event } from '../../event/event';
import { parseSelection } from '../../query/parser';
import { type StorageEngine } from '../../storage/engine';

/** The reserved collection in which an ephemeral node keeps its unacknowledged commits (models cannot use it). */
export const OUTBOX = '_ankurah_outbox';

/** One kept commit: the ids of its events, in commit order. */
export interface OutboxEntry {
  readonly seq: string;
  readonly events: readonly Event[];
}

function record(seq: string, refs: readonly (readonly [string, string])[], deleted: boolean): EntityState {
  return {
    id: seq,
    collection: OUTBOX,
    head: [seq],
    deleted,
    lww: {},
    text: {},
    values: { events: refs.map(([collection, id]) => ({ collection, id })) },
  };
}

/** The outbox record of a commit, written in the same storage transaction as the commit's own events. */
export function outboxRecord(seq: string, events: readonly Event[]): EntityState {
  return record(
    seq,
    events.map((e) => [e.collection, e.id] as const),
    false,
  );
}

/** The record that retires an entry once the durable peer answered (acknowledged or refused). */
export function outboxRetired(seq: string): EntityState {
  return record(seq, [], true);
}

const ALL = parseSelection('true');

/** Reads the kept commits, oldest first, with their events from storage (the outbox only names them). */
export async function readOutbox(storage: StorageEngine): Promise<OutboxEntry[]> {
  await storage.ensureCollection({ name: OUTBOX, columns: [] });
  const out: OutboxEntry[] = [];
  for (const state of await storage.fetchStates(OUTBOX, ALL)) {
    const refs = (state.values.events ?? []) as { collection: string; id: string }[];
    const events: Event[] = [];
    for (const c of new Set(refs.map((r) => r.collection))) {
      events.push(
        ...(await storage.getEvents(
          c,
          refs.filter((r) => r.collection === c).map((r) => r.id),
        )),
      );
    }
    const order = new Map(refs.map((r, i) => [r.id, i]));
    events.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    if (events.length > 0) out.push({ seq: state.id, events });
  }
  return out;
}
