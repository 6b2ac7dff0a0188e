import { Entity } from '../../entity/entity';
import { type EntityState } from '../../entity/entity-state';
import { entityKey } from '../../event/entity-key';

/** Entries are swept once the map has grown this much past its size after the last sweep (and at least MIN). */
const SWEEP_GROWTH = 2;
const SWEEP_MIN = 1024;

/**
 * Holds at most one live Entity per id while anything references it (views, live queries, transactions).
 * Unreferenced entities are collected; the next read loads them again from storage. Entries of collected
 * entities are swept when a collection's map has doubled since the last sweep, which keeps the map within a
 * constant factor of the live entities at an amortised O(1) per insert (cheaper than a FinalizationRegistry,
 * whose registrations cost more than the whole insert).
 */
export class EntityCache {
  readonly #byCollection = new Map<string, Bucket>();

  static key(collection: string, id: string): string {
    return entityKey(collection, id);
  }

  get(collection: string, id: string): Entity | undefined {
    return this.#byCollection.get(collection)?.refs.get(id)?.deref();
  }

  /** The live instance for a stored state: the cached one when present, else a new one from the state. */
  fromState(state: EntityState): Entity {
    return this.get(state.collection, state.id) ?? this.put(new Entity(state));
  }

  put(entity: Entity): Entity {
    let b = this.#byCollection.get(entity.collection);
    if (!b) {
      b = { refs: new Map(), sweepAt: SWEEP_MIN };
      this.#byCollection.set(entity.collection, b);
    }
    b.refs.set(entity.id, new WeakRef(entity));
    if (b.refs.size >= b.sweepAt) {
      for (const [id, ref] of b.refs) if (ref.deref() === undefined) b.refs.delete(id);
      b.sweepAt = Math.max(SWEEP_MIN, b.refs.size * SWEEP_GROWTH);
    }
    return entity;
  }

  /** Every live entity (for closing). */
  *live(): IterableIterator<Entity> {
    for (const b of this.#byCollection.values()) {
      for (const ref of b.refs.values()) {
        const e = ref.deref();
        if (e) yield e;
      }
    }
  }
}

interface Bucket {
  readonly refs: Map<string, WeakRef<Entity>>;
  /** The size at which the next sweep runs. */
  sweepAt: number;
}
