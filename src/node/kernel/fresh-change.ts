import { Entity } from '../../entity/entity';
import { type EntityState } from '../../entity/entity-state';
import { type Row } from '../../reactor/change';
import { entityRow } from '../../entity/row';
import { type EntityCache } from './entity-cache';

/**
 * The change of an entity new to this node (just created here or first received). It joins the cache only
 * when something reads `entity` (a live query taking it, a subscriber of node.changes$): a bulk write nobody
 * watches then never pays for a weak reference per entity, nor, for a plain creation, for the entity itself.
 * Until then nothing else can hold it, and a read from storage meanwhile yields the cached instance that
 * `entity` then returns.
 */
export class FreshChange {
  readonly before = null;
  readonly #raw: Entity | undefined;
  readonly #state: EntityState;
  readonly #cache: EntityCache;
  #claimed: Entity | undefined;

  /** `raw` is the staged entity, when one was built; `state` its stored state. */
  constructor(raw: Entity | undefined, state: EntityState, cache: EntityCache) {
    this.#raw = raw;
    this.#state = state;
    this.#cache = cache;
  }

  get entity(): Entity {
    if (!this.#claimed) {
      const s = this.#state;
      this.#claimed = this.#cache.get(s.collection, s.id) ?? this.#cache.put(this.#raw ?? new Entity(s));
    }
    return this.#claimed;
  }

  /** The new head (read without sharing the entity). */
  get head(): readonly string[] {
    return this.#state.head;
  }

  /** What the reactor matches on without sharing the entity. */
  get unshared(): { readonly collection: string; readonly id: string; readonly row: Row | undefined } {
    const s = this.#state;
    return { collection: s.collection, id: s.id, row: s.deleted ? undefined : entityRow(s.id, s.values) };
  }
}
