import { Subject, type Observable } from 'rxjs';
import { CausalError } from '../errors/errors';
import { EMPTY_CLOCK, clockEquals, clockOf, type Clock } from '../event/clock';
import { isGenesis, type Event } from '../event/event';
import { reachableTargets, type EventRetriever } from '../event/lineage';
import { type ViewSource } from '../model/view';
import { LwwBackend } from '../property/lww';
import { TextBackend } from '../property/text';
import { type EntityState } from './entity-state';

/** What applying an event did. */
export type ApplyOutcome = 'applied' | 'merged' | 'noop';

/**
 * An entity: identity, head clock and property backends. A node keeps one live instance per id; views read
 * it directly. Events are applied through applyEvent, which compares them with the head over the DAG.
 */
export class Entity implements ViewSource {
  readonly id: string;
  readonly collection: string;
  #head: Clock;
  #deletedBy: string | undefined;
  #lww: LwwBackend;
  #text: TextBackend;
  #values: Record<string, unknown> | undefined;
  // Created on first subscription: most entities in a bulk write are never observed.
  #changed: Subject<void> | undefined;
  #completed = false;

  constructor(state: Pick<EntityState, 'id' | 'collection'> & Partial<EntityState>) {
    this.id = state.id;
    this.collection = state.collection;
    this.#head = state.head ?? EMPTY_CLOCK;
    this.#deletedBy = state.deleted ? (state.deletedBy ?? '') : undefined;
    this.#lww = new LwwBackend(state.lww);
    this.#text = new TextBackend(state.text);
  }

  get head(): Clock {
    return this.#head;
  }

  get deleted(): boolean {
    return this.#deletedBy !== undefined;
  }

  /** True once the entity has a creation event applied. */
  get exists(): boolean {
    return this.#head.length > 0;
  }

  get changed$(): Observable<void> {
    if (!this.#changed) {
      this.#changed = new Subject<void>();
      if (this.#completed) this.#changed.complete();
    }
    return this.#changed;
  }

  value(field: string): unknown {
    return this.values()[field];
  }

  values(): Readonly<Record<string, unknown>> {
    if (!this.#values) {
      const out: Record<string, unknown> = {};
      this.#lww.collect(out);
      this.#text.collect(out);
      this.#values = Object.freeze(out);
    }
    return this.#values;
  }

  /** The Yjs document behind a text field, for transactions that edit it. */
  textDoc(field: string): ReturnType<TextBackend['doc']> | undefined {
    return this.#text.fields().includes(field) ? this.#text.doc(field) : undefined;
  }

  state(): EntityState {
    return {
      id: this.id,
      collection: this.collection,
      head: this.#head,
      deleted: this.deleted,
      ...(this.#deletedBy !== undefined ? { deletedBy: this.#deletedBy } : {}),
      lww: this.#lww.state(),
      text: this.#text.state(),
      values: this.values(),
    };
  }

  /** An independent copy (no subscribers), used to stage a change before it is persisted. */
  clone(): Entity {
    return new Entity(this.state());
  }

  /** Takes over a staged clone's state (after it was persisted; the clone must not be used again) and notifies. */
  adopt(other: Entity): void {
    this.#head = other.#head;
    this.#deletedBy = other.#deletedBy;
    this.#lww = other.#lww;
    this.#text = other.#text;
    this.#values = undefined;
    this.#changed?.next();
  }

  /** Completes the change stream (node closing). */
  complete(): void {
    this.#completed = true;
    this.#changed?.complete();
  }

  /**
   * Applies one event the node has not stored before (callers skip known events): a no-op when it is in the head, the quick path when its parents are the head,
   * otherwise a merge after a causal walk. Throws CausalError for unrelated histories, missing parents,
   * edits that descend from a delete, or an exceeded walk budget; the entity is then unchanged.
   */
  async applyEvent(event: Event, retriever: EventRetriever, budget?: number): Promise<ApplyOutcome> {
    if (this.#head.includes(event.id)) return 'noop';
    if (!this.exists) {
      if (!isGenesis(event) || event.entityId !== this.id) {
        throw CausalError.create(
          `event ${event.id} of ${this.collection}/${this.id} needs history this node does not hold`,
        );
      }
      this.#applyOps(event, () => true, clockOf([event.id]));
      return 'applied';
    }
    if (event.parents.length === 0) {
      throw CausalError.create(
        `event ${event.id} claims to create ${this.collection}/${this.id}, which already exists: unrelated history`,
      );
    }
    if (clockEquals(event.parents, this.#head)) {
      this.#rejectAfterDelete(event, true);
      this.#applyOps(event, () => true, clockOf([event.id]));
      return 'applied';
    }
    const targets = this.#lww.candidateEvents();
    for (const h of this.#head) targets.add(h);
    if (this.#deletedBy) targets.add(this.#deletedBy);
    const past = await reachableTargets(this.collection, event.parents, targets, retriever, budget);
    this.#rejectAfterDelete(event, this.#deletedBy !== undefined && past.has(this.#deletedBy));
    const head = clockOf([...this.#head.filter((h) => !past.has(h)), event.id]);
    this.#applyOps(event, (id) => past.has(id), head);
    return 'merged';
  }

  #rejectAfterDelete(event: Event, sawDelete: boolean): void {
    if (this.#deletedBy !== undefined && sawDelete && !event.operations.delete) {
      throw CausalError.create(
        `event ${event.id} edits ${this.collection}/${this.id} after it was deleted; the edit is rejected`,
      );
    }
  }

  #applyOps(event: Event, isAncestor: (id: string) => boolean, head: Clock): void {
    const ops = event.operations;
    if (ops.lww) this.#lww.apply(event.id, ops.lww, isAncestor);
    if (ops.text) this.#text.apply(ops.text);
    if (ops.delete && (this.#deletedBy === undefined || event.id < this.#deletedBy))
      this.#deletedBy = event.id;
    this.#head = head;
    this.#values = undefined;
  }
}
