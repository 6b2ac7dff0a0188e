import { type Entity } from '../entity/entity';
import { entityRow } from '../entity/row';
import { type Event } from '../event/event';

/** An entity's query row: its current values plus `id` (what compiled predicates and orderings read). */
export type Row = Readonly<Record<string, unknown>>;

/** One entity changed by a commit or a remote batch, as the node reports it. */
export interface ReactorChange {
  /** The live entity. Reading it may make the entity the node's shared instance (see `unclaimed`). */
  readonly entity: Entity;
  /**
   * For an entity the node has not shared yet (one new to the node): what the reactor matches on, so that it
   * reads `entity` only for changes some watch takes.
   */
  readonly unshared?: { readonly collection: string; readonly id: string; readonly row: Row | undefined };
  /** Values before the change (unused by the reactor, which trusts its own membership sets instead). */
  readonly before: Readonly<Record<string, unknown>> | null;
  /** The events the change applied, when it is exactly them (see EntityChange.events); handed to the watches. */
  readonly events?: readonly Event[];
}

/** The changes applied together by one commit or one batch of remote events. */
export interface ReactorBatch {
  readonly changes: readonly ReactorChange[];
  /** Entities whose head moved while no value changed (see ChangeBatch.quiet): only to WatchHandler.quiet. */
  readonly quiet?: readonly ReactorChange[];
}

/** A change routed to one watch: the entity and its row at the time of the change (undefined once deleted). */
export interface Candidate {
  readonly entity: Entity;
  readonly row: Row | undefined;
  /** The change's events, when it is exactly them (see EntityChange.events). */
  readonly events?: readonly Event[] | undefined;
}

/** The row a predicate is evaluated over, or undefined for a deleted entity (which matches nothing). */
export function rowOf(entity: Entity): Row | undefined {
  return entity.deleted ? undefined : entityRow(entity.id, entity.values());
}
