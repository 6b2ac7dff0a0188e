import { Entity } from '../../entity/entity';
import { genesisState, genesisValues, type EntityState } from '../../entity/entity-state';
import { type Event } from '../../event/event';
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
  #state: EntityState | undefined;
  readonly #genesis: Event | undefined;
  readonly #cache: EntityCache;
  #claimed: Entity | undefined;

  /**
   * `raw` is the staged entity, when one was built; `stored` its stored state, or the plain creation event
   * storage took alone (see StorageEngine.takesCreations), whose state is built only when read.
   */
  constructor(raw: Entity | undefined, stored: EntityState | Event, cache: EntityCache) {
    this.#raw = raw;
    const event = 'operations' in stored ? stored : undefined;
    this.#genesis = event;
    this.#state = event ? undefined : (stored as EntityState);
    this.#cache = cache;
  }

  #stored(): EntityState {
    return (this.#state ??= genesisState(this.#genesis as Event) as EntityState);
  }

  get entity(): Entity {
    if (!this.#claimed) {
      const s = this.#stored();
      this.#claimed = this.#cache.get(s.collection, s.id) ?? this.#cache.put(this.#raw ?? new Entity(s));
    }
    return this.#claimed;
  }

  /** The new head (read without sharing the entity). */
  get head(): readonly string[] {
    return this.#stored().head;
  }

  /** What the reactor matches on without sharing the entity. */
  get unshared(): { readonly collection: string; readonly id: string; readonly row: Row | undefined } {
    const g = this.#genesis;
    // A plain creation's values are its state's values: no need to build the state for the reactor.
    if (g && !this.#state) {
      return { collection: g.collection, id: g.id, row: entityRow(g.id, genesisValues(g)) };
    }
    const s = this.#stored();
    return { collection: s.collection, id: s.id, row: s.deleted ? undefined : entityRow(s.id, s.values) };
  }
}
