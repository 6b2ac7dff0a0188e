import { type Event, type Operations } from './event';

/** Decodes base64 without Node's Buffer, so it runs in browsers too. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function mapRecord<A, B>(rec: Readonly<Record<string, A>>, fn: (a: A) => B): Record<string, B> {
  const out: Record<string, B> = {};
  for (const k of Object.keys(rec)) out[k] = fn(rec[k] as A);
  return out;
}

/** Parses an event's operations as the SQL engines store them: JSON, binary Yjs updates as base64. */
export function decodeOperations(text: string): Operations {
  const raw = JSON.parse(text) as {
    lww?: Record<string, unknown>;
    text?: Record<string, string>;
    delete?: true;
  };
  return {
    ...(raw.lww ? { lww: raw.lww } : {}),
    ...(raw.text ? { text: mapRecord(raw.text, fromBase64) } : {}),
    ...(raw.delete ? { delete: true } : {}),
  };
}

/** A deep, immutable copy of an event, so stores and caches never share mutable state with callers. */
export function freezeEvent(event: Event): Event {
  return Object.freeze({
    id: event.id,
    entityId: event.entityId,
    collection: event.collection,
    parents: Object.freeze([...event.parents]),
    operations: Object.freeze({ ...event.operations }),
  });
}
