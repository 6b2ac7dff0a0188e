import { type Entity } from '../entity/entity';
import { type Predicate, type Selection } from '../query/ast';
import { compareRecords } from '../query/order';
import { type Candidate, type Row, rowOf } from './change';
import { edgeDiff, type Emitted, fullDiff, touchedDiff, type ItemDiff, type ResultDiff } from './result-diff';
import { ResultWindow } from './result-window';
import { type Watch, type WatchHandler } from './watch';
import { asError } from '../errors/errors';

/** Reads the live entities matching a selection (the node's fetch: storage, or a durable peer). */
export type FetchEntities = (selection: Selection) => Promise<Entity[]>;

/** Receives a live result's emissions, RxJS-style. */
export interface ResultListener<T = Entity> {
  next(diff: ResultDiff<T>): void;
  error(error: Error): void;
  complete(): void;
}

/** How a live result reaches the reactor and storage, and what it shows for an entity. */
export interface LiveResultOptions<T> {
  readonly wrap: (entity: Entity) => T;
  readonly open: (predicate: Predicate, handler: WatchHandler) => Watch;
  readonly fetch: FetchEntities;
  /** Extra rows kept beyond a LIMIT window. */
  readonly slack: (limit: number) => number;
}

/**
 * A selection kept up to date: registers a watch, loads the initial rows, then turns each routed batch
 * into at most one ResultDiff. Changes that arrive while a load (initial load, gap fill, `update`) is in
 * flight are queued and replayed on the fetched rows, so nothing is lost or doubled; emissions keep
 * their order because a result processes one thing at a time.
 */
export class LiveResult<T = Entity> {
  readonly #o: LiveResultOptions<T>;
  readonly #listener: ResultListener<T>;
  readonly #watch: Watch;
  #selection: Selection;
  #fetchSelection: Selection;
  #window: ResultWindow<T>;
  #pending: Candidate[] | undefined;
  #token = 0;
  #emitted: Emitted<T> | undefined;
  #items: readonly T[] = [];
  readonly #touched = new Map<string, Entity>();
  /** Entities that crossed the LIMIT edge since the last emission without being changed themselves. */
  readonly #edge = new Map<string, Entity>();
  #reloaded = false;
  #waiters: (() => void)[] = [];
  #closed = false;

  constructor(selection: Selection, listener: ResultListener<T>, options: LiveResultOptions<T>) {
    this.#o = options;
    this.#listener = listener;
    this.#selection = selection;
    this.#watch = options.open(selection.predicate, {
      changes: (c) => this.#changes(c),
      closed: () => {
        this.close();
        this.#listener.complete();
      },
    });
    this.#window = this.#newWindow();
    this.#fetchSelection = this.#toFetch();
    this.#load();
  }

  get selection(): Selection {
    return this.#selection;
  }

  /** The items of the last emission, in order. */
  get items(): readonly T[] {
    return this.#items;
  }

  /** True when the entity is among the items shown (a LIMIT window's, not the buffer kept beyond it). */
  shows(id: string): boolean {
    return this.#window.visibleIndex(id) >= 0;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The watch behind this result (for diagnostics and tests). */
  get watch(): Watch {
    return this.#watch;
  }

  /** Switches to another selection; the next emission carries the difference. */
  update(selection: Selection): void {
    if (this.#closed) return;
    this.#selection = selection;
    this.#window.clear();
    this.#watch.setPredicate(selection.predicate);
    this.#window = this.#newWindow();
    this.#fetchSelection = this.#toFetch();
    this.#load();
  }

  /** Resolves once no load is in flight and every routed change has been emitted. */
  settled(): Promise<void> {
    if (this.#closed || this.#pending === undefined) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Unregisters; nothing is emitted afterwards. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = undefined;
    this.#watch.close();
    this.#release();
  }

  #newWindow(): ResultWindow<T> {
    const { limit, orderBy } = this.#selection;
    return new ResultWindow<T>({
      wrap: this.#o.wrap,
      order: compareRecords(orderBy),
      match: (row) => this.#watch.matches(row),
      ...(limit === undefined ? {} : { limit }),
      slack: limit === undefined ? 0 : this.#o.slack(limit),
      tracker: this.#watch,
      edge: (e) => this.#edge.set(e.id, e),
    });
  }

  #toFetch(): Selection {
    const limit = this.#window.fetchLimit;
    return limit === undefined ? this.#selection : { ...this.#selection, limit };
  }

  #load(): void {
    const token = ++this.#token;
    this.#pending ??= [];
    this.#watch.loading = true;
    const sel = this.#fetchSelection;
    let p: Promise<Entity[]>;
    try {
      p = this.#o.fetch(sel);
    } catch (e) {
      p = Promise.reject(e as Error);
    }
    p.then(
      (entities) => {
        if (token === this.#token && !this.#closed) this.#loaded(entities, sel.limit);
      },
      (e: unknown) => {
        if (token !== this.#token || this.#closed) return;
        this.close();
        this.#listener.error(asError(e));
      },
    );
  }

  #loaded(entities: readonly Entity[], limit: number | undefined): void {
    const pending = this.#pending ?? [];
    this.#pending = undefined;
    this.#watch.loading = false;
    // Entities changed since the load began are replayed from the queue; the rest are as fetched.
    const changed = new Set(pending.map((c) => c.entity.id));
    const entries: { entity: Entity; row: Row }[] = [];
    for (const entity of entities) {
      if (changed.has(entity.id)) continue;
      const row = rowOf(entity);
      if (row && this.#window.matches(row)) entries.push({ entity, row });
    }
    this.#window.reset(entries, limit === undefined || entities.length < limit);
    this.#reloaded = true;
    this.#changes(pending);
  }

  #changes(candidates: readonly Candidate[]): void {
    if (this.#closed) return;
    if (this.#pending) {
      this.#pending.push(...candidates);
      return;
    }
    for (const c of candidates) {
      this.#touched.set(c.entity.id, c.entity);
      this.#window.apply(c);
    }
    if (this.#window.needsFill) this.#load();
    else this.#emit();
  }

  #emit(): void {
    const initial = this.#emitted === undefined;
    const emitted = (this.#emitted ??= new Map() as Emitted<T>);
    const window = this.#window;
    let changes: ItemDiff<T>[];
    let items: readonly T[] = this.#items;
    if (initial || this.#reloaded) {
      const entries = window.visibleEntries();
      items = entries.map((e) => e.item);
      if (this.#reloaded && !initial) this.#touchMoved(emitted, entries);
      changes = fullDiff(emitted, this.#items, entries, this.#touched);
      if (initial) changes = entries.map((e) => ({ kind: 'initial', entity: e.entity, item: e.item }));
    } else {
      changes =
        window.limit === Infinity
          ? touchedDiff(emitted, this.#touched, (id) => window.item(id))
          : edgeDiff(emitted, this.#items, this.#touched, this.#edge, (id) => {
              const at = window.visibleIndex(id);
              return at < 0 ? undefined : { at, item: window.item(id) as T };
            });
      // A move inside a window changes the order of items without changing which are shown.
      if (changes.length > 0) items = window.visible();
    }
    this.#reloaded = false;
    this.#touched.clear();
    this.#edge.clear();
    if (initial || changes.length > 0) {
      this.#items = items;
      this.#listener.next({ initial, items, changes });
    }
    this.#release();
  }

  /**
   * After a reload (a selection switch may bring another order), marks as touched the items still shown whose
   * order relative to each other changed, so the ChangeSet reports them as updates instead of keeping stale
   * `items` when nothing entered or left.
   */
  #touchMoved(emitted: Emitted<T>, entries: readonly { entity: Entity; item: T }[]): void {
    const next = new Map<string, Entity>();
    for (const e of entries) if (emitted.has(e.entity.id)) next.set(e.entity.id, e.entity);
    const idOf = new Map<T, string>();
    for (const [id, e] of emitted) idOf.set(e.item, id);
    const before: string[] = [];
    for (const item of this.#items) {
      const id = idOf.get(item);
      if (id !== undefined && next.has(id)) before.push(id);
    }
    let i = 0;
    for (const [id, entity] of next) if (before[i++] !== id) this.#touched.set(id, entity);
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
