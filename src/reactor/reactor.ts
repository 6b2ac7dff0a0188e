import { type Observable, type Subscription } from 'rxjs';
import { type Entity } from '../entity/entity';
import { type Predicate, type Selection } from '../query/ast';
import { type Candidate, type ReactorBatch, type ReactorChange, type Row, rowOf } from './change';
import { type FetchEntities, LiveResult, type ResultListener } from './live-result';
import { SubscriptionIndex } from './subscription-index';
import { Watch, type WatchHandler, type WatchHost } from './watch';
import { asError } from '../errors/errors';

/**
 * Matches applied changes to subscriptions. It consumes the node's change batches synchronously (so a
 * commit's results are updated before the commit resolves), finds the watches a change can affect through
 * the subscription index, the entity's memberships and the loading watches of its collection, and hands
 * each watch all of its candidates of a batch in one call.
 */
export class Reactor {
  /** Extra rows kept beyond a `LIMIT n` window (undefined: max(16, n)); 0 makes every gap fill read storage. */
  windowSlack: number | undefined;
  readonly #index = new SubscriptionIndex<Watch>();
  /** Watches tracking an entity, by collection then id (no joined key to build per change). */
  readonly #members = new Map<string, Map<string, Set<Watch>>>();
  readonly #loading = new Map<string, Set<Watch>>();
  readonly #watches = new Set<Watch>();
  readonly #perCollection = new Map<string, number>();
  readonly #report: (error: Error) => void;
  readonly #input: Subscription | undefined;
  readonly #host: WatchHost;
  #closed = false;

  constructor(changes: Observable<ReactorBatch>, report: (error: Error) => void) {
    this.#report = report;
    this.#host = {
      reindex: (w, conjuncts) => this.#index.add(w.collection, conjuncts, w),
      member: (w, id, on) => {
        let byId = this.#members.get(w.collection);
        if (!byId) this.#members.set(w.collection, (byId = new Map<string, Set<Watch>>()));
        setMember(byId, id, w, on);
      },
      loading: (w, on) => setMember(this.#loading, w.collection, w, on),
      release: (w) => {
        this.#index.remove(w);
        setMember(this.#loading, w.collection, w, false);
        if (this.#watches.delete(w)) this.#count(w.collection, -1);
      },
    };
    this.#input = changes.subscribe({ next: (b) => this.apply(b), complete: () => this.close() });
  }

  /** The number of open watches. */
  get size(): number {
    return this.#watches.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The collection and predicate of every open watch. */
  watched(): { readonly collection: string; readonly predicate: Predicate }[] {
    return [...this.#watches]
      .filter((w) => !w.closed)
      .map((w) => ({ collection: w.collection, predicate: w.predicate }));
  }

  /** True when some open watch is on this collection. */
  watches(collection: string): boolean {
    return (this.#perCollection.get(collection) ?? 0) > 0;
  }

  /** Registers a low-level watch: the handler receives every candidate change and decides what it means. */
  watch(collection: string, predicate: Predicate, handler: WatchHandler): Watch {
    const w = new Watch(this.#host, collection, predicate, handler);
    if (this.#closed) {
      w.close();
      queueMicrotask(() => handler.closed());
    } else {
      this.#watches.add(w);
      this.#count(w.collection, 1);
    }
    return w;
  }

  #count(collection: string, by: number): void {
    const n = (this.#perCollection.get(collection) ?? 0) + by;
    if (n > 0) this.#perCollection.set(collection, n);
    else this.#perCollection.delete(collection);
  }

  /**
   * Keeps a selection's result up to date (the generic subscription used by live queries and by servers
   * relaying to remote subscribers): the listener gets the initial result, then one diff per batch that
   * changes it, with ORDER BY / LIMIT windows refilled through `fetch`.
   */
  subscribe<T = Entity>(
    collection: string,
    selection: Selection,
    fetch: FetchEntities,
    listener: ResultListener<T>,
    // Without a wrap the items are the entities themselves (T defaults to Entity).
    wrap: (entity: Entity) => T = (e) => e as unknown as T,
  ): LiveResult<T> {
    return new LiveResult<T>(selection, listener, {
      wrap,
      open: (predicate, handler) => this.watch(collection, predicate, handler),
      fetch,
      slack: (limit) => this.windowSlack ?? Math.max(16, limit),
    });
  }

  /** Routes one batch: each affected watch is called once with its candidates, in batch order. */
  apply(batch: ReactorBatch): void {
    if (this.#watches.size === 0) return;
    if (batch.quiet && batch.quiet.length > 0) this.#quiet(batch.quiet);
    if (batch.changes.length === 1) {
      this.#applyOne(batch.changes[0] as ReactorChange);
      return;
    }
    const routed = new Map<Watch, Candidate[]>();
    // The change being routed; `add` is made once per batch, not once per change.
    let change: ReactorChange | undefined;
    let row: Row | undefined;
    let candidate: Candidate | undefined;
    const add = (w: Watch): void => {
      // Only a change some watch takes needs the shared entity.
      candidate ??= {
        entity: (change as ReactorChange).entity,
        row,
        events: (change as ReactorChange).events,
      };
      const list = routed.get(w);
      if (!list) routed.set(w, [candidate]);
      else if (list[list.length - 1] !== candidate) list.push(candidate);
    };
    try {
      for (const c of batch.changes) {
        change = c;
        candidate = undefined;
        row = rowOfChange(c);
        this.#reach(c, row, add);
      }
    } catch (e) {
      this.#report(asError(e));
    }
    routed.forEach((candidates, w) => this.#deliver(w, candidates));
  }

  /**
   * `apply` for a batch of one change (every single-entity commit): the watches it reaches in a short list
   * (a change reaches a few), one candidate list shared by them; same order and calls as the general case.
   */
  #applyOne(c: ReactorChange): void {
    // Made at the first watch, at its size: a change usually reaches one or two.
    let hit: Watch[] | undefined;
    const add = (w: Watch): void => {
      if (!hit) hit = [w];
      else if (!hit.includes(w)) hit.push(w);
    };
    let row: Row | undefined;
    try {
      row = rowOfChange(c);
      this.#reach(c, row, add);
    } catch (e) {
      this.#report(asError(e));
    }
    if (!hit) return;
    // Only a change some watch takes needs the shared entity.
    const candidates: readonly Candidate[] = [{ entity: c.entity, row, events: c.events }];
    for (const w of hit) this.#deliver(w, candidates);
  }

  /** Hands the watches tracking each quietly changed entity that take quiet changes their candidate. */
  #quiet(changes: readonly ReactorChange[]): void {
    for (const c of changes) {
      const { collection, id } = c.entity;
      const members = this.#members.get(collection)?.get(id);
      if (!members) continue;
      let candidates: readonly Candidate[] | undefined;
      for (const w of members) {
        if (w.closed || !w.handler.quiet) continue;
        candidates ??= [{ entity: c.entity, row: rowOf(c.entity), events: c.events }];
        try {
          w.handler.quiet(candidates);
        } catch (e) {
          this.#report(asError(e));
        }
      }
    }
  }

  /** Hands a watch its candidates; a throwing handler is reported, not passed on. */
  #deliver(w: Watch, candidates: readonly Candidate[]): void {
    if (w.closed) return;
    try {
      w.handler.changes(candidates);
    } catch (e) {
      this.#report(asError(e));
    }
  }

  /**
   * Calls `add` for every watch change `c` may concern: those whose predicate its new `row` may match (none
   * when deleted), those its entity is a member of, and those still loading.
   */
  #reach(c: ReactorChange, row: Row | undefined, add: (w: Watch) => void): void {
    const { collection, id } = c.unshared ?? c.entity;
    if (row) this.#index.candidates(collection, row, add);
    this.#members.get(collection)?.get(id)?.forEach(add);
    this.#loading.get(collection)?.forEach(add);
  }

  /** How a watch is indexed: by an equality/IN conjunct, a range, or scanned (for tests and diagnostics). */
  placement(watch: Watch): 'eq' | 'range' | 'scan' | undefined {
    return this.#index.placement(watch);
  }

  /** Closes every watch (their owners complete); called when the node's change stream completes. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#input?.unsubscribe();
    for (const w of [...this.#watches]) {
      w.close();
      try {
        w.handler.closed();
      } catch (e) {
        this.#report(asError(e));
      }
    }
  }
}

function setMember<K>(map: Map<K, Set<Watch>>, k: K, w: Watch, on: boolean): void {
  let set = map.get(k);
  if (on) {
    if (!set) map.set(k, (set = new Set()));
    set.add(w);
  } else if (set?.delete(w) && set.size === 0) map.delete(k);
}

/** The row a change is routed by: its unshared copy's when it has one, else its entity's. */
function rowOfChange(c: ReactorChange): Row | undefined {
  return c.unshared ? c.unshared.row : rowOf(c.entity);
}
