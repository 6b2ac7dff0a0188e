import { type Subscription } from 'rxjs';
import { type ModelClass } from '../../model/model-meta';
import { type View } from '../../model/view';
import { InternalError } from '../../errors/errors';
import { type Context } from '../../node/api/context';
import { type LiveQuery } from '../../node/api/live-query';

/** What `useLiveQuery` returns: one immutable snapshot per change of the query. */
export interface LiveQueryState<M> {
  /** The current items in query order (the previous selection's until the first result is in). */
  readonly items: readonly View<M>[];
  /** True once the initial result is in (on an ephemeral node: once the durable peer answered). */
  readonly loaded: boolean;
  /** Why the query failed (a malformed selection, access denied, a limit of the peer); it then stays failed. */
  readonly error: Error | undefined;
}

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * A LiveQuery behind React's `useSyncExternalStore` contract: `getSnapshot` returns the same object until the
 * query changes, `subscribe` opens the LiveQuery with the first listener and closes it when the last leaves.
 * The close waits one microtask, so StrictMode's synchronous unmount/remount keeps the one query it opened.
 */
export class LiveQueryStore<M extends object> {
  readonly #ctx: Context;
  readonly #model: ModelClass<M>;
  readonly #selection: string;
  readonly #params: readonly unknown[];
  readonly #listeners = new Set<() => void>();
  #snapshot: LiveQueryState<M>;
  #query: LiveQuery<M> | undefined;
  #subscription: Subscription | undefined;

  constructor(
    ctx: Context,
    model: ModelClass<M>,
    selection: string,
    params: readonly unknown[],
    seed: readonly View<M>[] = EMPTY,
  ) {
    this.#ctx = ctx;
    this.#model = model;
    this.#selection = selection;
    this.#params = params;
    this.#snapshot = Object.freeze({ items: seed, loaded: false, error: undefined });
  }

  /** The current snapshot: the same object between changes (no tearing, no extra renders). */
  readonly getSnapshot = (): LiveQueryState<M> => this.#snapshot;

  /** Registers a listener; the first one opens the LiveQuery. Returns the unsubscribe function. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    if (!this.#query && !this.#snapshot.error) this.#open();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) queueMicrotask(() => this.#closeIfIdle());
    };
  };

  /** True while a LiveQuery is open (for tests and devtools). */
  get open(): boolean {
    return this.#query !== undefined;
  }

  #open(): void {
    // Reopened (a remount): the old items stay on screen, but they are not this query's result yet.
    // useSyncExternalStore reads the snapshot again after subscribing, so no notification is needed.
    if (this.#snapshot.loaded) this.#snapshot = Object.freeze({ ...this.#snapshot, loaded: false });
    let q: LiveQuery<M>;
    try {
      q = this.#ctx.query(this.#model, this.#selection, ...this.#params);
    } catch (e) {
      this.#set({ ...this.#snapshot, error: asError(e) });
      return;
    }
    this.#query = q;
    this.#subscription = q.items$.subscribe({
      next: (items) => {
        if (this.#query === q) this.#set({ ...this.#snapshot, items });
      },
      error: (e: unknown) => this.#fail(q, e),
    });
    q.loaded.then(
      () => {
        if (this.#query === q && !this.#snapshot.loaded)
          this.#set({ items: q.items, loaded: true, error: undefined });
      },
      (e: unknown) => this.#fail(q, e),
    );
  }

  #fail(q: LiveQuery<M>, e: unknown): void {
    if (this.#query !== q) return;
    this.#close();
    this.#set({ ...this.#snapshot, error: asError(e) });
  }

  #closeIfIdle(): void {
    if (this.#listeners.size === 0) this.#close();
  }

  #close(): void {
    const q = this.#query;
    this.#query = undefined;
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
    q?.unsubscribe();
  }

  #set(next: LiveQueryState<M>): void {
    this.#snapshot = Object.freeze(next);
    for (const l of [...this.#listeners]) l();
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : InternalError.wrap('running a live query', e);
}
