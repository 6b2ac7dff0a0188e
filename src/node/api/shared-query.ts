import { Observable, type Observer, type Subscribable, type Subscription } from 'rxjs';
import { type ModelClass } from '../../model/model-meta';
import { type View } from '../../model/view';
import { parseSelection } from '../../query/parser';
import { GuardedObservable } from '../../reactor/guarded-observable';
import { defineInterop } from '../../reactor/interop';
import { type ChangeSet } from './change-set';
import { type LiveQuery } from './live-query';

/** The LiveQuery a SharedQuery holds while it has subscribers, and how many they are. */
interface Held<M extends object> {
  readonly query: LiveQuery<M>;
  refs: number;
}

/**
 * A reference-counted live query (`ctx.sharedQuery`): it opens a LiveQuery (the reactor registration here
 * and, on an ephemeral node, the subscription on the durable peer) when its first subscriber arrives, shares
 * it among all subscribers of `items$`, `changes$`, `subscribe` and `from(q)`, and releases it when the last
 * one leaves (an Angular `async` pipe unsubscribing is enough). A later subscriber opens it again, with the
 * current selection. A failed query errors its subscribers and is dropped; the next subscriber retries.
 */
export class SharedQuery<M extends object> {
  readonly model: ModelClass<M>;
  /** The current items, re-emitted after every change; replays the latest to a subscriber joining an open query. */
  readonly items$: Observable<readonly View<M>[]>;
  /** The ChangeSets: the initial one first (at once when the query is already loaded), then one per change. */
  readonly changes$: Observable<ChangeSet<M>>;
  /** Applies RxJS operators to the ChangeSets (as `changes$.pipe`). */
  readonly pipe: Observable<ChangeSet<M>>['pipe'];
  /** RxJS interop (`from(q)`): the ChangeSets, as `changes$`. Set on the prototype under RxJS's key. */
  declare [Symbol.observable]: () => Subscribable<ChangeSet<M>>;
  readonly #open: (selection: string, params: readonly unknown[]) => LiveQuery<M>;
  #selection: string;
  #params: readonly unknown[];
  #held: Held<M> | undefined;

  /** Made by `ctx.sharedQuery`; throws QuerySyntaxError at once for a malformed selection. */
  constructor(
    open: (selection: string, params: readonly unknown[]) => LiveQuery<M>,
    report: (error: unknown) => void,
    model: ModelClass<M>,
    selection: string,
    params: readonly unknown[],
  ) {
    parseSelection(selection, params);
    this.#open = open;
    this.model = model;
    this.#selection = selection;
    this.#params = params;
    this.items$ = new GuardedObservable(
      this.#shared((q) => q.items$),
      report,
    );
    this.changes$ = new GuardedObservable(
      this.#shared((q) => q.changes$),
      report,
    );
    this.pipe = this.changes$.pipe.bind(this.changes$);
  }

  /** The LiveQuery held while there are subscribers (undefined while there are none). */
  get current(): LiveQuery<M> | undefined {
    return this.#held?.query;
  }

  /** The current items in query order (empty while nobody subscribes, or until loaded). */
  get items(): readonly View<M>[] {
    return this.#held?.query.items ?? [];
  }

  /** Subscribes to the ChangeSets (the initial one first); the last subscription to leave releases the query. */
  subscribe(
    observerOrNext: Partial<Observer<ChangeSet<M>>> | ((changes: ChangeSet<M>) => void),
  ): Subscription {
    return this.changes$.subscribe(observerOrNext);
  }

  /**
   * Switches to another selection: in place on the open query (one ChangeSet carries the difference), and
   * for every later opening. Syntax errors throw at once.
   */
  async update(selection: string, ...params: unknown[]): Promise<void> {
    parseSelection(selection, params);
    this.#selection = selection;
    this.#params = params;
    await this.#held?.query.update(selection, ...params);
  }

  /** Resolves once the open query (if any) has emitted every change routed so far. */
  async settled(): Promise<void> {
    await this.#held?.query.settled();
  }

  #shared<T>(pick: (q: LiveQuery<M>) => Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      const held = this.#acquire();
      const inner = pick(held.query).subscribe(subscriber);
      return () => {
        inner.unsubscribe();
        this.#release(held);
      };
    });
  }

  #acquire(): Held<M> {
    let held = this.#held;
    if (!held || held.query.closed) {
      held = { query: this.#open(this.#selection, this.#params), refs: 0 };
      this.#held = held;
    }
    held.refs++;
    return held;
  }

  #release(held: Held<M>): void {
    if (--held.refs > 0) return;
    if (this.#held === held) this.#held = undefined;
    held.query.unsubscribe();
  }
}

defineInterop(SharedQuery.prototype, (q: SharedQuery<object>) => q.changes$);
