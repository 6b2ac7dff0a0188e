import { type Entity } from '../../entity/entity';
import { type EntityState } from '../../entity/entity-state';
import { type Event } from '../../event/event';

/** One entity's part of a batch being applied. */
export interface Work {
  /** The live entity (none for a creation staged as a state alone). */
  readonly primary: Entity | undefined;
  /** Where the batch's events are applied: a copy of `primary`, or `primary` itself when fresh. */
  readonly next: Entity | undefined;
  /** The state of a plain creation computed without an entity (then `primary` and `next` are undefined). */
  readonly created: EntityState | undefined;
  /**
   * A plain creation handed to storage as its event alone (the engine takes creations, see
   * StorageEngine.takesCreations): its state is `genesisState(genesis)`, built only if something reads it.
   */
  readonly genesis?: Event | undefined;
  readonly before: Record<string, unknown> | null;
  /** The entity is new to this node and staged on directly (`next` is `primary`). */
  readonly fresh: boolean;
  /** Some event of the batch was applied to it. */
  touched: boolean;
  /**
   * The events of the batch applied to an entity that existed here, in the order applied (what a durable node
   * can push instead of its state); made on the first one. A new entity's change carries no events.
   */
  events?: Event[];
  /** Its values, existence or deleted flag changed. */
  changed: boolean;
}
