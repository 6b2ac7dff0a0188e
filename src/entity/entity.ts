import { Subject, type Observable } from 'rxjs';
import { CausalError } from '../errors/causal-error';
import { EMPTY_CLOCK, clockEquals, clockOf, type Clock } from '../event/clock';
import { isGenesis, type Event } from '../event/event';
import { observeId } from '../event/ids';
import { checkParentOrder, reachableTargets, type EventRetriever } from '../event/lineage';
import { type ViewSource } from '../model/view';
import { LwwBackend } from '../property/lww';
import { TextBackend } from '../property/text';
import { type TextSnap } from '../property/text-snapshot';
import { APPLIED_CHANGED, APPLIED_SAME, NOOP, type ApplyOutcome, type ApplyResult } from './apply-result';
import { classify, trackedIds, type MergeTarget } from './classify';
import { Covers } from './covers';
import { genesisState, persistable, type EntityState } from './entity-state';

/** Options of Entity.applyEvent. */
export interface ApplyOptions {
  /** The bound on events one causal walk may visit. */
  readonly budget?: number;
  /**
   * Check over the DAG that the event is not already in the entity's past. Callers that know every applied
   * event (a node with the entity's full history in storage) skip this; holders of a bare state need it.
   */
  readonly verifyUnseen?: boolean;
  /**
   * The entity as the event's author read it, when the caller holds it (a local transaction's snapshot); used
   * only when its head is the event's parents. Which standing writes and tombstones are in the event's past is
   * then read from it instead of walked, so a node that holds the state without its history (an ephemeral node)
   * can merge its own edits. Sound because this entity's events include the base's: nodes only add events and
   * adopt states that descend from theirs.
   */
  readonly base?: Entity;
}

const NO_IDS: ReadonlySet<string> = new Set();
const ALWAYS = (): boolean => true;
const NO_TOMBSTONES: readonly string[] = Object.freeze([]);

/**
 * An entity: identity, head clock and property backends. A node keeps one live instance per id; views read
 * it directly. Events are applied through applyEvent, which compares them with the head over the DAG.
 * Invariants: the head is an antichain of the applied events' maximal elements; the state is a pure function
 * of the set of applied events, whatever order they came in.
 */
export class Entity implements ViewSource {
  readonly id: string;
  readonly collection: string;
  #head: Clock;
  #tombstones: readonly string[];
  #lww: LwwBackend;
  #text: TextBackend;
  #covers: Covers;
  #values: Record<string, unknown> | undefined;
  // The persistable state, until the next change.
  #state: EntityState | undefined;
  // Created on first subscription: most entities of a bulk write are never observed.
  #changed: Subject<void> | undefined;
  #completed = false;

  constructor(state: Pick<EntityState, 'id' | 'collection'> & Partial<EntityState>) {
    this.id = state.id;
    this.collection = state.collection;
    this.#head = state.head ?? EMPTY_CLOCK;
    for (const h of this.#head) observeId(h);
    this.#tombstones =
      state.tombstones ?? (state.deleted ? [state.deletedBy ?? this.#head[0] ?? this.id] : NO_TOMBSTONES);
    this.#lww = new LwwBackend(state.lww);
    this.#text = new TextBackend(state.text, state.values);
    const only = this.#head.length === 1 ? this.#head[0] : undefined;
    this.#covers = only === undefined ? Covers.empty() : Covers.below(only);
  }

  /**
   * The state an entity reaches by applying only its creation event, when that event writes LWW fields alone
   * (no text, no delete): what `new Entity(...)`, `applyEvent` and `state()` give, without building the entity.
   * Undefined for any other event.
   */
  static genesisState(event: Event): EntityState | undefined {
    return genesisState(event);
  }

  get head(): Clock {
    return this.#head;
  }

  get deleted(): boolean {
    return this.#tombstones.length > 0;
  }

  /** True once the entity has a creation event applied. */
  get exists(): boolean {
    return this.#head.length > 0;
  }

  /** Emits after every change of a value, of existence or of the deleted flag. */
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

  /** The snapshot of a text field's Yjs document, which a transaction's editor starts from. */
  textDoc(field: string): TextSnap | undefined {
    return this.#text.snapshot(field);
  }

  /** The persistable state. */
  state(): EntityState {
    this.#state ??= persistable(
      this.id,
      this.collection,
      this.#head,
      this.#tombstones,
      this.#lww.state(),
      this.#text.state(),
      this.values(),
    );
    return this.#state;
  }

  /** An independent copy (no subscribers), used to stage a change before it is persisted. */
  clone(): Entity {
    const copy = new Entity(this.state());
    copy.#covers = this.#covers.clone();
    return copy;
  }

  /**
   * Takes over a staged copy's state after it was persisted, and notifies observers when `notify`. The copy
   * hands over its backends and must not be used afterwards.
   */
  adopt(other: Entity, notify = true): void {
    this.#head = other.#head;
    this.#tombstones = other.#tombstones;
    this.#lww = other.#lww;
    this.#text = other.#text;
    this.#covers = other.#covers;
    this.#values = other.#values;
    this.#state = other.#state;
    if (notify) this.#changed?.next();
  }

  /** Completes the change stream (node closing). */
  complete(): void {
    this.#completed = true;
    this.#changed?.complete();
  }

  /**
   * Applies one event whose parents were applied before: a no-op when it is already applied, the fast path
   * when its parents are the head, otherwise a merge (see docs/conflict-resolution.md). Throws CausalError for
   * unrelated histories, missing events, edits that descend from a delete, or an exceeded walk budget; the
   * entity is then unchanged.
   */
  async applyEvent(
    event: Event,
    retriever: EventRetriever,
    options: ApplyOptions = {},
  ): Promise<ApplyResult> {
    return this.applyWithoutWalk(event) ?? this.#merge(event, retriever, options);
  }

  /**
   * applyEvent for the cases that need no causal walk (already applied, creation, parents equal to the head):
   * synchronous; undefined when the event needs a merge (call applyEvent). Throws as applyEvent does.
   */
  applyWithoutWalk(event: Event): ApplyResult | undefined {
    if (this.#head.includes(event.id)) return NOOP;
    if (event.entityId !== this.id || event.collection !== this.collection) {
      throw CausalError.wrongEntity(event);
    }
    checkParentOrder(event);
    if (!this.exists) {
      if (!isGenesis(event)) {
        throw CausalError.needsHistory(event);
      }
      return this.#commit(event, 'applied', ALWAYS, NO_IDS);
    }
    if (event.parents.length === 0) {
      if (isGenesis(event)) return NOOP;
      throw CausalError.unrelatedCreation(event);
    }
    if (clockEquals(event.parents, this.#head)) {
      this.#rejectAfterDelete(event, this.deleted);
      // Every head member is a parent: the head becomes the event alone (no set of it to build).
      return this.#commit(event, 'applied', ALWAYS, NO_IDS);
    }
    return undefined;
  }

  async #merge(event: Event, retriever: EventRetriever, options: ApplyOptions): Promise<ApplyResult> {
    const budget = options.budget;
    const newest = this.#head[this.#head.length - 1] as string;
    // An event whose parents are all head members cannot be in the past of the (antichain) head.
    const parentsInHead = event.parents.every((p) => this.#head.includes(p));
    const base = options.base && clockEquals(options.base.#head, event.parents) ? options.base : undefined;
    // An event made on a snapshot of this entity is new (its author minted it after reading that snapshot).
    if (options.verifyUnseen && !base && event.id < newest && !parentsInHead) {
      const seen = await reachableTargets(
        this.collection,
        this.#head,
        new Set([event.id]),
        retriever,
        budget,
      );
      if (seen.size > 0) return NOOP;
    }
    const below = await classify(this.#mergeTarget(), event, retriever, budget, base && base.#pastIds());
    this.#rejectAfterDelete(
      event,
      this.#tombstones.some((t) => below(t) === true),
    );
    const removed = new Set(event.parents.filter((p) => this.#head.includes(p)));
    return this.#commit(event, 'merged', below, removed);
  }

  #rejectAfterDelete(event: Event, sawDelete: boolean): void {
    if (sawDelete && !event.operations.delete) {
      throw CausalError.editAfterDelete(event);
    }
  }

  /** Events known to be in this state's past: its head, standing writes and tombstones. */
  #pastIds(): Set<string> {
    const out = this.#tracked();
    for (const h of this.#head) out.add(h);
    return out;
  }

  #tracked(): Set<string> {
    return trackedIds(this.#mergeTarget());
  }

  #mergeTarget(): MergeTarget {
    const lww = this.#lww;
    return {
      collection: this.collection,
      head: this.#head,
      tombstones: this.#tombstones,
      covers: this.#covers,
      standingWrites: (fields) => lww.candidateEvents(fields),
    };
  }

  #commit(
    event: Event,
    outcome: ApplyOutcome,
    below: (id: string) => boolean | undefined,
    removed: ReadonlySet<string>,
  ): ApplyResult {
    const ops = event.operations;
    const fast = outcome === 'applied';
    let changed = !this.exists;
    // Text first: a malformed Yjs update throws before anything else has changed.
    if (ops.text && this.#text.apply(ops.text).length > 0) changed = true;
    const isAncestor = below === ALWAYS ? ALWAYS : (id: string): boolean => below(id) === true;
    if (ops.lww && this.#lww.apply(event.id, ops.lww, isAncestor).length > 0) changed = true;
    if (ops.delete) {
      changed ||= !this.deleted;
      this.#tombstones = [...this.#tombstones, event.id].sort();
    }
    if (fast) this.#covers = Covers.below(event.id);
    else {
      const old = this.#covers;
      const parentsInHead = event.parents.every((p) => removed.has(p));
      this.#covers = old.advance(
        this.#tracked(),
        event.id,
        removed,
        (id) => old.isAncestor(id, removed, parentsInHead) ?? below(id),
      );
    }
    this.#head =
      fast || removed.size === this.#head.length
        ? Object.freeze([event.id])
        : clockOf([...this.#head.filter((h) => !removed.has(h)), event.id]);
    if (changed) this.#values = undefined;
    this.#state = undefined;
    return fast ? (changed ? APPLIED_CHANGED : APPLIED_SAME) : { outcome, changed };
  }
}
