import { clockOf } from '../event/clock';
import { type Event } from '../event/event';
import { type Limits } from './limits';
import { type Request } from './messages';
import { bytesOf, isClock, isCollection, isField, isPlain, isUlid, type Obj } from './fast-checks';
import { isJson } from './wire-schemas';

// zod costs ~10 µs per commit frame on the server's hot path. This validates the frequent, well-formed
// `commit` and `get` requests by hand: it accepts strictly less than `requestSchema` (plain objects only, the
// same rules) and builds the same output; every other frame goes to zod, which decides and reports.

const OPERATION_KEYS = new Set(['lww', 'text', 'delete']);

/** A validated `commit` or `get` request, or undefined when zod must decide. */
export function fastRequest(raw: unknown, limits: Limits): Request | undefined {
  if (!isPlain(raw)) return undefined;
  const { id, kind } = raw;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return undefined;
  if (kind === 'get') {
    if (!keysIn(raw, 4) || !isCollection(raw.collection) || !isUlid(raw.entityId)) return undefined;
    return { id, kind, collection: raw.collection, entityId: raw.entityId };
  }
  if (kind !== 'commit' || !keysIn(raw, 3)) return undefined;
  const events = raw.events;
  if (!Array.isArray(events) || events.length < 1 || events.length > limits.maxEventsPerCommit)
    return undefined;
  const out: Event[] = [];
  for (const e of events as unknown[]) {
    const event = fastEvent(e);
    if (!event) return undefined;
    out.push(event);
  }
  return { id, kind, events: out } as Request;
}

/** An event from a well-formed frame, or undefined when zod must decide (shared by commits and pushes). */
export function fastEvent(e: unknown): Event | undefined {
  if (!isPlain(e) || !keysIn(e, 5)) return undefined;
  const { id, entityId, collection, parents, operations: ops } = e;
  if (!isUlid(id) || !isUlid(entityId) || !isCollection(collection) || !isClock(parents)) return undefined;
  if (!isPlain(ops)) return undefined;
  for (const k in ops) if (!OPERATION_KEYS.has(k) || ops[k] === undefined) return undefined;
  const operations: { lww?: Record<string, unknown>; text?: Record<string, Uint8Array>; delete?: true } = {};
  if (ops.lww !== undefined) {
    if (!isPlain(ops.lww)) return undefined;
    for (const k in ops.lww) if (!isField(k) || !isJson(ops.lww[k])) return undefined;
    operations.lww = ops.lww;
  }
  if (ops.text !== undefined) {
    if (!isPlain(ops.text)) return undefined;
    const text: Record<string, Uint8Array> = {};
    for (const k in ops.text) {
      if (!isField(k)) return undefined;
      const copy = bytesOf(ops.text[k]);
      if (!copy) return undefined;
      text[k] = copy;
    }
    operations.text = text;
  }
  if (ops.delete !== undefined) {
    if (ops.delete !== true) return undefined;
    operations.delete = true;
  }
  const clock = clockOf(parents);
  // A creation event has no parents and its id is the entity id; no other event may.
  if ((clock.length === 0) !== (id === entityId)) return undefined;
  return { id, entityId, collection, parents: clock, operations } as Event;
}

/** True when the object has exactly `n` keys, none of them holding undefined (zod's strict objects). */
function keysIn(o: Obj, n: number): boolean {
  const keys = Object.keys(o);
  if (keys.length !== n) return false;
  for (const k of keys) if (o[k] === undefined) return false;
  return true;
}
