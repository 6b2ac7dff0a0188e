import { Entity } from '../entity/entity';
import { type EntityState } from '../entity/entity-state';

/**
 * Holds at most one live Entity per id while anything references it (views, live queries, transactions).
 * Unreferenced entities are collected; the next read loads them again from storage.
 */
export class EntityCache {
  readonly #refs = new Map<string, WeakRef<Entity>>();
  readonly #registry = new FinalizationRegistry<string>((key) => {
    if (this.#refs.get(key)?.deref() === undefined) this.#refs.delete(key);
  });

  static key(collection: string, id: string): string {
    return `${collection}\u0000${id}`;
  }

  get(collection: string, id: string): Entity | undefined {
    return this.#refs.get(EntityCache.key(collection, id))?.deref();
  }

  /** The live instance for a stored state: the cached one when present, else a new one from the state. */
  fromState(state: EntityState): Entity {
    return this.get(state.collection, state.id) ?? this.put(new Entity(state));
  }

  put(entity: Entity): Entity {
    const key = EntityCache.key(entity.collection, entity.id);
    this.#refs.set(key, new WeakRef(entity));
    this.#registry.register(entity, key);
    return entity;
  }

  /** Every live entity (for closing). */
  *live(): IterableIterator<Entity> {
    for (const ref of this.#refs.values()) {
      const e = ref.deref();
      if (e) yield e;
    }
  }
}
