import { type Entity } from '../entity/entity';
import { type EntityState } from '../entity/entity-state';
import { type Clock } from '../event/clock';
import { toBase64 } from '../event/codec';
import { type Event } from '../event/event';
import { type EntityRef } from '../node/peer';

/** An entity state as the wire carries it: text fields as base64, so a frame needs no binary attachment. */
export type WireState = Omit<EntityState, 'text'> & { readonly text: Readonly<Record<string, string>> };

/** RemoteStates as the wire carries them (the receiver's schema decodes the text back to bytes). */
export interface WireStates {
  readonly states: readonly WireState[];
  readonly gone: readonly EntityRef[];
  readonly seq?: number;
}

// socket.io sends each binary attachment as one more WebSocket frame; small Yjs states cost less as base64.

/** The last wire state built per live entity: every connection pushed the same change shares it. */
const built = new WeakMap<Entity, { readonly head: Clock; readonly state: WireState }>();

/**
 * The wire form of a live entity's current state. A state is a function of the head (the event set), so it
 * is built once per head, however many connections receive it.
 */
export function wireStateOf(entity: Entity): WireState {
  const head = entity.head;
  const last = built.get(entity);
  if (last && last.head === head) return last.state;
  const state = wireState(entity.state());
  built.set(entity, { head, state });
  return state;
}

/** The wire form of a state. */
export function wireState(state: EntityState): WireState {
  return { ...state, text: textToWire(state.text) };
}

/** The wire form of an event (text operations as base64). */
export function wireEvent(event: Event): Event | (Omit<Event, 'operations'> & { operations: object }) {
  const text = event.operations.text;
  if (!text) return event;
  return { ...event, operations: { ...event.operations, text: textToWire(text) } };
}

function textToWire(text: Readonly<Record<string, Uint8Array>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(text)) out[k] = toBase64(text[k] as Uint8Array);
  return out;
}
