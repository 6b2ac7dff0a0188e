import { type EntityState } from '../../entity/entity-state';
import { type Clock } from '../../event/clock';
import { fromBase64, toBase64 } from '../../event/codec';

/** The serialised columns of one state row. */
export interface EncodedState {
  readonly head: string;
  /** The whole state except id, collection and head, as JSON (text updates as base64). */
  readonly state: string;
  /** The values alone, as JSON: what SQL reads for JSON paths and undeclared fields. */
  readonly values: string;
}

/** Serialises an entity state; unknown extra properties (added by later versions) are kept too. */
export function encodeState(s: EntityState): EncodedState {
  const values = JSON.stringify(s.values);
  const rest: Record<string, unknown> = {};
  for (const key of Object.keys(s) as (keyof EntityState)[]) {
    if (key === 'id' || key === 'collection' || key === 'head' || key === 'values') continue;
    if (key === 'text') {
      const text: Record<string, string> = {};
      for (const [field, update] of Object.entries(s.text)) text[field] = toBase64(update);
      rest.text = text;
    } else {
      rest[key] = s[key];
    }
  }
  // Splice the values JSON in rather than serialising it twice.
  const tail = JSON.stringify(rest);
  const state = tail === '{}' ? `{"values":${values}}` : `{"values":${values},${tail.slice(1)}`;
  return { head: JSON.stringify(s.head), state, values };
}

/** Rebuilds an entity state from its row. */
export function decodeState(collection: string, id: string, head: string, state: string): EntityState {
  const raw = JSON.parse(state) as Record<string, unknown> & {
    values: Record<string, unknown>;
    text?: Record<string, string>;
    deleted?: boolean;
  };
  const text: Record<string, Uint8Array> = {};
  // The JSON was written by encodeState from an EntityState, so its shape is known; extra keys pass through.
  for (const [field, b64] of Object.entries(raw.text ?? {})) text[field] = fromBase64(b64);
  return {
    ...raw,
    id,
    collection,
    head: JSON.parse(head) as Clock,
    deleted: raw.deleted === true,
    lww: (raw.lww ?? {}) as EntityState['lww'],
    text,
    values: raw.values,
  } as EntityState;
}
