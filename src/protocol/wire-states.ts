import { type Entity } from '../entity/entity';
import { type EntityState } from '../entity/entity-state';
import { type Clock } from '../event/clock';
import { type Event } from '../event/event';
import { type EntityRef } from '../node/peers/peer';

/** An entity state as the wire carries it: Yjs text state as binary attachments (receivers also accept base64). */
export type WireState = EntityState;

/** RemoteStates as the wire carries them (the receiver's schema decodes the text back to bytes). */
export interface WireStates {
  readonly states: readonly WireState[];
  readonly gone: readonly EntityRef[];
  readonly seq?: number;
  /** Pushes only: events that carry held entities forward (see RemoteStates.events). */
  readonly events?: readonly Event[];
}

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

/** The wire form of a state: as is; Socket.IO carries its Yjs `Uint8Array`s as binary attachments. */
export function wireState(state: EntityState): WireState {
  return state;
}

/** The wire form of an event: as is, text operations (Yjs updates) as binary. */
export function wireEvent(event: Event): Event {
  return event;
}
