import {
  Observable,
  ReplaySubject,
  Subject,
  type Observer,
  type Subscribable,
  type Subscription,
} from 'rxjs';
import { type ModelClass, type ModelMeta } from '../../model/model-meta';
import { type View } from '../../model/view';
import { parseSelection } from '../../query/parser';
import { GuardedObservable } from '../../reactor/guarded-observable';
import { defineInterop } from '../../reactor/interop';
import { type LiveResult } from '../../reactor/live-result';
import { type ResultDiff } from '../../reactor/result-diff';
import { ChangeSet } from './change-set';
import { type Entity } from '../../entity/entity';
import { type RemoteQuery } from '../peers/peer';
import { type NodeServices } from '../ports';
import { type Selection } from '../../query/ast';
import { asError } from '../../errors/errors';

type Terminal = { readonly error?: Error };

/** What a live query needs from the context that made it: the node's services and its caller's selections. */
export interface QueryScope {
  readonly services: NodeServices;
  /** Parses and binds a selection, with the caller's policy filter and reference paths resolved. */
  selection(meta: ModelMeta, text: string, params: readonly unknown[]): Promise<Selection>;
}

/** Gives the shared view of a live entity (Context passes its view cache in). */
export type ViewFactory<M> = (meta: ModelMeta, entity: Entity) => View<M>;

/**
 * A selection kept up to date on a node: `items` in query order, `items$` (replays the current items to
 * late subscribers once loaded), and `subscribe` for ChangeSets (the initial one first). Observables error
 * on a failed load, complete on `unsubscribe()` or node close, and never emit after that. It is an RxJS
 * interop Observable of its ChangeSets: `from(q)` and `q.pipe(...)` work like `q.changes$`.
 *
 * A LiveQuery holds its subscription (here, and on the durable peer for an ephemeral node) until
 * `unsubscribe()`, whoever listens; `ctx.sharedQuery` gives one released with its last subscriber.
 */
export class LiveQuery<M extends object> {
  readonly model: ModelClass<M>;
  /**
   * Resolves once the initial result is in: on an ephemeral node with a durable peer, once the peer accepted
   * the query and its answer was applied. Rejects when it cannot be loaded (access denied, a limit of the
   * peer, a storage error).
   */
  readonly loaded: Promise<void>;
  /** The current items, re-emitted after every change (hot; replays the latest to a late subscriber). */
  readonly items$: Observable<readonly View<M>[]>;
  /** The ChangeSets: the initial one first (immediately when already loaded), then one per change. */
  readonly changes$: Observable<ChangeSet<M>>;
  /** Applies RxJS operators to the ChangeSets (as `changes$.pipe`). */
  readonly pipe: Observable<ChangeSet<M>>['pipe'];
  /** RxJS interop (`from(q)`): the ChangeSets, as `changes$`. Set on the prototype under RxJS's key. */
  declare [Symbol.observable]: () => Subscribable<ChangeSet<M>>;
  readonly #scope: QueryScope;
  readonly #meta: ModelMeta;
  readonly #view: ViewFactory<M>;
  /** Made for the first `items$` subscriber (most queries are read through `subscribe` or `items`). */
  #items$: ReplaySubject<readonly View<M>[]> | undefined;
  readonly #changes$ = new Subject<ChangeSet<M>>();
  #items: readonly View<M>[] = [];
  #isLoaded = false;
  /** Settles with the local initial result (before the durable peer answered, on an ephemeral node). */
  readonly #initial: Promise<void>;
  #resolveInitial!: () => void;
  #result: LiveResult<View<M>> | undefined;
  /** On an ephemeral node: the relay of this query to the durable peer. */
  #remote: RemoteQuery | undefined;
  #terminal: Terminal | undefined;
  #chain: Promise<void>;
  #resolveLoaded!: () => void;
  #rejectLoaded!: (e: Error) => void;

  /** Made by `ctx.query`; throws QuerySyntaxError at once for a malformed selection. */
  constructor(
    scope: QueryScope,
    model: ModelClass<M>,
    selection: string,
    params: readonly unknown[],
    view: ViewFactory<M>,
  ) {
    parseSelection(selection, params);
    this.#scope = scope;
    this.#view = view;
    this.model = model;
    this.#meta = scope.services.meta(model);
    const report = (e: unknown): void => scope.services.report(e);
    this.loaded = new Promise<void>((resolve, reject) => {
      this.#resolveLoaded = resolve;
      this.#rejectLoaded = reject;
    });
    this.loaded.catch(() => undefined);
    this.#initial = new Promise<void>((resolve) => (this.#resolveInitial = resolve));
    this.items$ = new GuardedObservable(
      new Observable<readonly View<M>[]>((s) => this.#attach(s, () => this.#itemsSubject().subscribe(s))),
      report,
    );
    this.changes$ = new GuardedObservable(
      new Observable<ChangeSet<M>>((s) =>
        this.#attach(s, () => {
          if (this.#isLoaded) s.next(initialSet(this.#items));
          return this.#changes$.subscribe(s);
        }),
      ),
      report,
    );
    this.pipe = this.changes$.pipe.bind(this.changes$);
    this.#chain = this.#start(selection, params);
  }

  /** The current items in query order (empty until loaded). */
  get items(): readonly View<M>[] {
    return this.#items;
  }

  /** True once unsubscribed, failed or closed with the node. */
  get closed(): boolean {
    return this.#terminal !== undefined;
  }

  /** Subscribes to the ChangeSets (the initial one first); a throwing callback is reported on `node.errors$`. */
  subscribe(
    observerOrNext: Partial<Observer<ChangeSet<M>>> | ((changes: ChangeSet<M>) => void),
  ): Subscription {
    return this.changes$.subscribe(observerOrNext);
  }

  /**
   * Switches to another selection in place; one ChangeSet (not initial) carries the difference. Syntax
   * errors throw at once; the promise resolves when the difference has been emitted.
   */
  update(selection: string, ...params: unknown[]): Promise<void> {
    parseSelection(selection, params);
    const step = this.#chain.then(async () => {
      if (this.closed) return;
      const sel = await this.#scope.selection(this.#meta, selection, params);
      if (this.closed || !this.#result) return;
      this.#result.update(sel);
      try {
        await this.#remote?.update(sel);
      } catch (e) {
        // The peer refused the new selection (a limit): the query would go stale, so it ends.
        this.#finish({ error: asError(e) });
        throw e;
      }
      await this.#result.settled();
      // The new result could not be loaded (a storage error, a limit of the peer): the query ended with it.
      if (this.#terminal?.error) throw this.#terminal.error;
    });
    this.#chain = step.catch(() => undefined);
    return step;
  }

  /** Resolves once loaded and every change routed so far (including gap fills from storage) has been emitted. */
  async settled(): Promise<void> {
    await this.#chain;
    await this.#result?.settled();
  }

  /** Stops the query: observables complete and nothing is emitted afterwards. */
  unsubscribe(): void {
    this.#finish({});
  }

  async #start(selection: string, params: readonly unknown[]): Promise<void> {
    try {
      const sel = await this.#scope.selection(this.#meta, selection, params);
      if (this.closed) return;
      const node = this.#scope.services;
      this.#result = node.reactor.subscribe<View<M>>(
        this.#meta.collection,
        sel,
        (s) => node.fetchEntities(this.#meta.collection, s),
        {
          next: (d) => this.#next(d),
          error: (e) => this.#finish({ error: e }),
          complete: () => this.#finish({}),
        },
        (e) => this.#view(this.#meta, e),
      );
      await this.#initial;
      if (!node.durable && !this.closed) {
        this.#remote = node.trackQuery(
          this.#meta.collection,
          sel,
          {
            list: () => this.#items.map((v) => ({ id: v.id, head: v.head })),
            has: (id) => this.#result?.shows(id) ?? false,
          },
          (e) => this.#finish({ error: e }),
        );
        // A refusal (a limit of the peer, access denied) rejects `loaded`; a lost connection does not.
        await this.#remote.synced;
      }
      this.#resolveLoaded();
    } catch (e) {
      this.#finish({ error: asError(e) });
    }
  }

  #next(d: ResultDiff<View<M>>): void {
    if (this.closed) return;
    // A fresh array per emission, so consumers comparing by reference (Angular, React) see the change; frozen,
    // because every subscriber and ChangeSet shares it.
    const items = Object.freeze(d.items);
    const changes = d.changes.map((c) => ({ kind: c.kind, view: c.item }));
    this.#items = items;
    if (d.initial) {
      this.#isLoaded = true;
      this.#resolveInitial();
      // A durable node answers alone; an ephemeral one waits for its peer's answer (in #start).
      if (this.#scope.services.durable) this.#resolveLoaded();
    }
    this.#items$?.next(items);
    this.#changes$.next(new ChangeSet(d.initial, items, changes));
  }

  #finish(terminal: Terminal): void {
    if (this.#terminal) return;
    this.#terminal = terminal;
    this.#resolveInitial();
    this.#result?.close();
    this.#remote?.close();
    if (terminal.error) {
      this.#rejectLoaded(terminal.error);
      this.#items$?.error(terminal.error);
      this.#changes$.error(terminal.error);
    } else {
      this.#resolveLoaded();
      this.#items$?.complete();
      this.#changes$.complete();
    }
  }

  /** The subject behind `items$`, replaying the current items once loaded. */
  #itemsSubject(): ReplaySubject<readonly View<M>[]> {
    if (!this.#items$) {
      this.#items$ = new ReplaySubject<readonly View<M>[]>(1);
      if (this.#isLoaded) this.#items$.next(this.#items);
    }
    return this.#items$;
  }

  #attach(
    s: { error(e: unknown): void; complete(): void },
    open: () => Subscription,
  ): Subscription | undefined {
    if (this.#terminal?.error) s.error(this.#terminal.error);
    else if (this.#terminal) s.complete();
    else return open();
    return undefined;
  }
}

defineInterop(LiveQuery.prototype, (q: LiveQuery<object>) => q.changes$);

function initialSet<M>(items: readonly View<M>[]): ChangeSet<M> {
  return new ChangeSet(
    true,
    items,
    items.map((view) => ({ kind: 'initial' as const, view })),
  );
}
