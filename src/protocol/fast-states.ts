import { type EntityState } from '../entity/entity-state';
import { clockOf } from '../event/clock';
import { type Event } from '../event/event';
import { type EntityRef, type RemoteStates } from '../node/peers/peer';
import { bytesOf, isClock, isCollection, isField, isPlain, isUlid } from './fast-checks';
import { fastEvent } from './fast-requests';
import { isJson } from './wire-schemas';

// The zod schema of RemoteStates costs ~10-20 µs per frame, a large share of a live update's latency. This
// checks the common, well-formed case by hand. It accepts strictly less than `remoteStatesSchema` (plain
// objects only) and builds the same output; anything it does not accept goes to zod, which decides and
// reports the problem.

/** RemoteStates decoded from a well-formed frame, or undefined when zod must decide. */
export function fastRemoteStates(raw: unknown): RemoteStates | undefined {
  if (!isPlain(raw)) return undefined;
  const { states, gone, seq, events } = raw;
  if (!Array.isArray(states) || !Array.isArray(gone)) return undefined;
  if (events !== undefined && !Array.isArray(events)) return undefined;
  if (seq !== undefined && !(Number.isSafeInteger(seq) && (seq as number) >= 0)) return undefined;
  const outStates: EntityState[] = [];
  for (const s of states as unknown[]) {
    const state = fastState(s);
    if (!state) return undefined;
    outStates.push(state);
  }
  const outGone: EntityRef[] = [];
  for (const g of gone as unknown[]) {
    if (!isPlain(g) || Object.keys(g).length !== 2) return undefined;
    if (!isCollection(g.collection) || !isUlid(g.id)) return undefined;
    outGone.push({ collection: g.collection, id: g.id });
  }
  let outEvents: Event[] | undefined;
  if (events !== undefined) {
    outEvents = [];
    for (const e of events as unknown[]) {
      const event = fastEvent(e);
      if (!event) return undefined;
      outEvents.push(event);
    }
  }
  // Literal objects, not spreads: each shape is built in one step.
  if (outEvents) {
    return seq === undefined
      ? { states: outStates, gone: outGone, events: outEvents }
      : { states: outStates, gone: outGone, seq: seq as number, events: outEvents };
  }
  return seq === undefined
    ? { states: outStates, gone: outGone }
    : { states: outStates, gone: outGone, seq: seq as number };
}

function fastState(s: unknown): EntityState | undefined {
  if (!isPlain(s)) return undefined;
  const { id, collection, head, deleted, deletedBy, tombstones, lww, text, values } = s;
  if (!isUlid(id) || !isCollection(collection) || typeof deleted !== 'boolean') return undefined;
  if (!isClock(head) || (deletedBy !== undefined && !isUlid(deletedBy))) return undefined;
  if (tombstones !== undefined && !isClock(tombstones)) return undefined;
  if (!isPlain(lww) || !isPlain(text) || !isPlain(values)) return undefined;
  for (const k in lww) {
    const writes = lww[k];
    if (!isField(k) || !Array.isArray(writes)) return undefined;
    for (const w of writes as unknown[]) {
      if (!Array.isArray(w) || w.length !== 2 || !isUlid(w[1]) || !isJson(w[0])) return undefined;
    }
  }
  const bytes: Record<string, Uint8Array> = {};
  for (const k in text) {
    if (!isField(k)) return undefined;
    const copy = bytesOf(text[k]);
    if (!copy) return undefined;
    bytes[k] = copy;
  }
  for (const k in values) if (!isField(k) || !isJson(values[k])) return undefined;
  return {
    id,
    collection,
    head: clockOf(head),
    deleted,
    ...(deletedBy !== undefined ? { deletedBy } : {}),
    ...(tombstones !== undefined ? { tombstones: [...tombstones] } : {}),
    lww: lww as EntityState['lww'],
    text: bytes,
    values,
  };
}
