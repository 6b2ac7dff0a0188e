import { analyzePredicate, type Conjunct } from '../query/analyze';
import { type Predicate } from '../query/ast';
import { compilePredicate, type CompiledPredicate } from '../query/evaluate';
import { type Candidate, type Row } from './change';

/** What a watch's owner is told by the reactor. */
export interface WatchHandler {
  /** The candidates of one batch for this watch, in batch order (at most one per entity). */
  changes(candidates: readonly Candidate[]): void;
  /**
   * Entities this watch tracks whose head moved while no value changed (membership cannot have changed): for
   * owners that forward heads to peers; the others leave it out.
   */
  quiet?(candidates: readonly Candidate[]): void;
  /** The reactor closed (the node is closing); no more changes will come. */
  closed(): void;
}

/** The reactor's side of a watch: keeps the index, membership and loading routes in step with it. */
export interface WatchHost {
  reindex(watch: Watch, conjuncts: readonly Conjunct[]): void;
  member(watch: Watch, id: string, on: boolean): void;
  loading(watch: Watch, on: boolean): void;
  release(watch: Watch): void;
}

/**
 * One registration with the reactor: a collection, a predicate and the ids its owner tracks. A change is
 * routed to the watch when its new row may satisfy the predicate (by the index), when the entity is tracked
 * (so leaving the result is seen without trusting `before` values), or while the watch is loading.
 */
export class Watch {
  readonly collection: string;
  readonly handler: WatchHandler;
  readonly #host: WatchHost;
  #predicate: Predicate;
  readonly #tracked = new Set<string>();
  #match: CompiledPredicate;
  #loading = false;
  #closed = false;

  constructor(host: WatchHost, collection: string, predicate: Predicate, handler: WatchHandler) {
    this.#host = host;
    this.collection = collection;
    this.handler = handler;
    this.#predicate = predicate;
    this.#match = compilePredicate(predicate);
    host.reindex(this, analyzePredicate(predicate));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The ids this watch's owner holds (its result, or its window and buffer). */
  get tracked(): ReadonlySet<string> {
    return this.#tracked;
  }

  /** The current predicate (what a catch-up re-reads from shared storage). */
  get predicate(): Predicate {
    return this.#predicate;
  }

  /** True when the row (undefined for a deleted entity) satisfies the predicate. */
  matches(row: Row | undefined): boolean {
    return row !== undefined && this.#match(row);
  }

  /** Replaces the predicate and re-indexes the watch. */
  setPredicate(predicate: Predicate): void {
    this.#predicate = predicate;
    this.#match = compilePredicate(predicate);
    if (!this.#closed) this.#host.reindex(this, analyzePredicate(predicate));
  }

  track(id: string): void {
    if (this.#closed || this.#tracked.has(id)) return;
    this.#tracked.add(id);
    this.#host.member(this, id, true);
  }

  untrack(id: string): void {
    if (!this.#tracked.delete(id)) return;
    this.#host.member(this, id, false);
  }

  get loading(): boolean {
    return this.#loading;
  }

  /** While loading, every change of the collection is routed here (the owner reconciles it with its fetch). */
  set loading(on: boolean) {
    if (this.#closed || on === this.#loading) return;
    this.#loading = on;
    this.#host.loading(this, on);
  }

  /** Unregisters; no change is routed here afterwards. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const id of this.#tracked) this.#host.member(this, id, false);
    this.#tracked.clear();
    this.#host.release(this);
  }
}
