import { type EntityState } from '../../entity/entity-state';
import { type Clock } from '../../event/clock';
import { type LwwCandidate } from '../../property/lww';

/** The serialised columns of one state row. */
export interface EncodedState {
  readonly head: string;
  /** The whole state except id, collection and head, as JSON (text updates as base64). */
  readonly state: string;
  /** The values alone, as JSON: what SQL reads for JSON paths and undeclared fields. */
  readonly values: string;
}

/**
 * Serialises an entity state; unknown extra properties (added by later versions) are kept too.
 *
 * The JSON is `{"values":…, …the other properties}`. LWW fields whose only standing write is the current
 * value (nearly all of them) are not repeated under `lww`: `lwwBy` lists them by the event that wrote them,
 * `{"<event id>":["field",…]}`, and decodeState rebuilds their candidate `[values[field], event id]`. The
 * text is built by hand: this runs once per entity of every commit.
 */
export function encodeState(s: EntityState): EncodedState {
  const values = JSON.stringify(s.values);
  let state = `{"values":${values}`;
  const props = s as unknown as Readonly<Record<string, unknown>>;
  for (const key in props) {
    if (key === 'id' || key === 'collection' || key === 'head' || key === 'values') continue;
    const v = props[key];
    if (v === undefined || typeof v === 'function') continue;
    if (key === 'lww') state += lwwJson(s.lww, s.values);
    else if (key === 'text') state += `,"text":${textJson(s.text)}`;
    else if (key === 'deleted' && typeof v === 'boolean') state += v ? ',"deleted":true' : ',"deleted":false';
    else state += `,${JSON.stringify(key)}:${JSON.stringify(v)}`;
  }
  state += '}';
  return { head: clockJson(s.head), state, values };
}

/** A clock as JSON; ids are quoted without escaping when they need none (the usual case). */
export function clockJson(clock: Clock): string {
  if (clock.length === 0) return '[]';
  if (clock.length === 1) return `[${idJson(clock[0] as string)}]`;
  return JSON.stringify(clock);
}

const PLAIN = /^[0-9A-Za-z_-]*$/;

/** An id as a JSON string, quoted without escaping when it needs none (the usual case). */
function idJson(id: string): string {
  return PLAIN.test(id) ? `"${id}"` : JSON.stringify(id);
}

/** `,"lww":{…}` with the fields that need their candidates, then `,"lwwBy":{…}` for the others. */
function lwwJson(lww: EntityState['lww'], values: EntityState['values']): string {
  let rest = '';
  // Usually every such field was written by one event: its fields are listed as text, with no map.
  let firstId: string | undefined;
  let firstFields = '';
  let others: Map<string, string> | undefined;
  for (const field in lww) {
    const cs = lww[field] as readonly LwwCandidate[];
    const only = cs.length === 1 ? (cs[0] as LwwCandidate) : undefined;
    if (only && only[0] !== undefined && only[0] === values[field] && field !== '__proto__') {
      const name = quoted(field);
      if (firstId === undefined || firstId === only[1]) {
        firstId = only[1];
        firstFields += firstFields ? `,${name}` : name;
      } else {
        others ??= new Map();
        const before = others.get(only[1]);
        others.set(only[1], before === undefined ? name : `${before},${name}`);
      }
    } else {
      rest += `${rest ? ',' : ''}${quoted(field)}:${JSON.stringify(cs)}`;
    }
  }
  if (firstId === undefined) return `,"lww":{${rest}}`;
  let by = `${idJson(firstId)}:[${firstFields}]`;
  if (others) for (const [id, fields] of others) by += `,${idJson(id)}:[${fields}]`;
  return `,"lww":{${rest}},"lwwBy":{${by}}`;
}

// Field names repeat in every state of a collection: quote each once.
const QUOTED = new Map<string, string>();

function quoted(name: string): string {
  let q = QUOTED.get(name);
  if (q === undefined) {
    q = JSON.stringify(name);
    if (QUOTED.size < 4096) QUOTED.set(name, q);
  }
  return q;
}

/** Binary updates by field as JSON, base64-encoded (the same text as the event codec's toBase64). */
export function textJson(text: Readonly<Record<string, Uint8Array>>): string {
  let out = '';
  for (const field in text) {
    const u = text[field] as Uint8Array;
    out += `${out ? ',' : ''}${quoted(field)}:"${Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64')}"`;
  }
  return `{${out}}`;
}

/** Rebuilds an entity state from its row. */
export function decodeState(collection: string, id: string, head: string, state: string): EntityState {
  // The JSON was written by encodeState from an EntityState, so its shape is known; extra keys pass through.
  const raw = JSON.parse(state) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key in raw) if (key !== 'lwwBy') put(out, key, raw[key]);
  const values = (raw.values ?? {}) as Record<string, unknown>;
  const listed = (raw.lww ?? {}) as Record<string, readonly LwwCandidate[]>;
  const by = raw.lwwBy as Record<string, string[]> | undefined;
  out.id = id;
  out.collection = collection;
  out.head = JSON.parse(head) as Clock;
  out.deleted = raw.deleted === true;
  out.lww = by ? mergeLww(listed, by, values) : listed;
  out.text = decodeText(raw.text as Record<string, string> | undefined);
  out.values = values;
  return out as unknown as EntityState;
}

/** Sets an own property, also one called '__proto__' (which plain assignment would turn into a prototype). */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function decodeText(text: Record<string, string> | undefined): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const field in text) {
    const bytes = Buffer.from(text[field] as string, 'base64');
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    put(out, field, copy);
  }
  return out;
}

/** The full LWW state, in field-name order, from the listed candidates and the `lwwBy` fields. */
function mergeLww(
  listed: Record<string, readonly LwwCandidate[]>,
  by: Record<string, string[]>,
  values: Record<string, unknown>,
): EntityState['lww'] {
  const all: Record<string, readonly LwwCandidate[]> = {};
  for (const field in listed) put(all, field, listed[field]);
  for (const eventId in by) {
    for (const field of by[eventId] as string[]) put(all, field, [[values[field], eventId]]);
  }
  let prev: string | undefined;
  for (const field in all) {
    if (prev !== undefined && field < prev) {
      const sorted: Record<string, readonly LwwCandidate[]> = {};
      for (const f of Object.keys(all).sort()) put(sorted, f, all[f]);
      return sorted;
    }
    prev = field;
  }
  return all;
}
