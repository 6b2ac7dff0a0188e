import { type Clock } from './clock';

/** Operations of one event, keyed by property backend; each payload is opaque outside its backend. */
export interface Operations {
  /** Last-writer-wins field writes: field → new value (null unsets). */
  readonly lww?: Readonly<Record<string, unknown>> | undefined;
  /** Collaborative text edits: field → Yjs update. */
  readonly text?: Readonly<Record<string, Uint8Array>> | undefined;
  /** A tombstone: the entity is deleted. */
  readonly delete?: true | undefined;
}

/** One change to one entity; `parents` is the entity's head when it was made. */
export interface Event {
  readonly id: string;
  readonly entityId: string;
  readonly collection: string;
  readonly parents: Clock;
  readonly operations: Operations;
}

/** True when the event created its entity: no parents, and its id is the entity id. */
export function isGenesis(event: Event): boolean {
  return event.parents.length === 0 && event.id === event.entityId;
}

/** True when two events belong to the same entity. */
export function sameEntity(a: Event, b: Event): boolean {
  return a.entityId === b.entityId && a.collection === b.collection;
}
