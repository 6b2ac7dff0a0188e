import { type Entity } from '../entity/entity';
import { type RecordComparator } from '../query/order';
import { type Candidate, type Row } from './change';

/** A tracked entity with the row it was sorted by and the item its owner shows for it (e.g. its view). */
export interface Entry<T> {
  readonly entity: Entity;
  readonly row: Row;
  readonly item: T;
}

/** Who is told which ids a window holds (the watch, so changes to them are routed back). */
export interface Tracker {
  track(id: string): void;
  untrack(id: string): void;
}

/** How a window is sorted, filtered and bounded. */
export interface WindowOptions<T> {
  /** The item shown for an entity; called once per entity while it stays in the window. */
  readonly wrap: (entity: Entity) => T;
  readonly order: RecordComparator;
  readonly match: (row: Row) => boolean;
  /** LIMIT; undefined keeps every match. */
  readonly limit?: number;
  /** Extra rows kept beyond the limit so most gap fills need no storage read. */
  readonly slack: number;
  readonly tracker: Tracker;
  /** Told of an entity that crossed the LIMIT edge because another row entered or left before it. */
  readonly edge?: (entity: Entity) => void;
}

/**
 * The sorted rows of one live result: every match when there is no LIMIT, else the first `limit` matches
 * (visible) plus a buffer. While it does not hold every match ("incomplete"), `boundary` is a row that every
 * untracked match sorts after, so a changed row is inserted only when it sorts at or before it; when the
 * rows fall below the limit the owner must refill from storage (`needsFill`).
 *
 * The rows are kept as parallel arrays (entries, rows, items): binary searches read the rows and `visible`
 * copies the items without touching each entry, which matters when many results update per commit.
 */
export class ResultWindow<T> {
  readonly limit: number;
  /** The LIMIT to fetch with: the window plus its buffer (undefined: fetch everything). */
  readonly fetchLimit: number | undefined;
  readonly #o: WindowOptions<T>;
  #entries: Entry<T>[] = [];
  #rows: Row[] = [];
  #items: T[] = [];
  readonly #byId = new Map<string, Entry<T>>();
  #complete = true;
  #boundary: Row | undefined;

  constructor(options: WindowOptions<T>) {
    this.#o = options;
    this.limit = options.limit ?? Infinity;
    this.fetchLimit = options.limit === undefined ? undefined : options.limit + options.slack;
  }

  get size(): number {
    return this.#entries.length;
  }

  /** True when the window holds every current match. */
  get complete(): boolean {
    return this.#complete;
  }

  /** True when fewer rows than the limit are held but more may match: a storage read is needed. */
  get needsFill(): boolean {
    return !this.#complete && this.#entries.length < this.limit;
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** The item of a tracked entity. */
  item(id: string): T | undefined {
    return this.#byId.get(id)?.item;
  }

  matches(row: Row | undefined): boolean {
    return row !== undefined && this.#o.match(row);
  }

  /** Replaces the rows with a fetched prefix of the result (rows must match; they are sorted here). */
  reset(rows: readonly { readonly entity: Entity; readonly row: Row }[], complete: boolean): void {
    const items = new Map<string, T>();
    for (const e of this.#byId.values()) items.set(e.entity.id, e.item);
    this.clear();
    this.#entries = rows
      .map((r) => ({ entity: r.entity, row: r.row, item: items.get(r.entity.id) ?? this.#o.wrap(r.entity) }))
      .sort((a, b) => this.#o.order(a.row, b.row));
    this.#rows = this.#entries.map((e) => e.row);
    this.#items = this.#entries.map((e) => e.item);
    for (const e of this.#entries) {
      this.#byId.set(e.entity.id, e);
      this.#o.tracker.track(e.entity.id);
    }
    this.#complete = complete;
    this.#boundary = complete ? undefined : this.#rows[this.#rows.length - 1];
    this.#trim();
  }

  /** Applies one change: the entity leaves, moves or enters according to its new row. */
  apply(c: Candidate): void {
    const id = c.entity.id;
    const old = this.#byId.get(id);
    if (old) this.#unlink(old);
    const row = c.row;
    const stays =
      row !== undefined &&
      this.#o.match(row) &&
      (this.#complete || (this.#boundary !== undefined && this.#o.order(row, this.#boundary) <= 0));
    if (!stays) {
      if (old) this.#o.tracker.untrack(id);
      return;
    }
    const entry = { entity: c.entity, row, item: old?.item ?? this.#o.wrap(c.entity) };
    const at = this.#lowerBound(row);
    insertAt(this.#entries, at, entry);
    insertAt(this.#rows, at, row);
    insertAt(this.#items, at, entry.item);
    // The row that was last shown is pushed past the limit.
    if (at < this.limit && this.#entries.length > this.limit) this.#edge(this.limit);
    this.#byId.set(id, entry);
    if (!old) this.#o.tracker.track(id);
    this.#trim();
  }

  /** The items of the result, in order (the first `limit`). */
  visible(): T[] {
    return this.#items.slice(0, this.limit);
  }

  /** The entries of the result, in order (the first `limit`). */
  visibleEntries(): Entry<T>[] {
    return this.#entries.slice(0, this.limit);
  }

  /** The position of a tracked entity among the visible items, or -1 when it is not shown. */
  visibleIndex(id: string): number {
    const entry = this.#byId.get(id);
    if (!entry) return -1;
    const at = this.#indexOf(entry);
    return at < this.limit ? at : -1;
  }

  /** Drops every row (and stops tracking them). */
  clear(): void {
    for (const id of this.#byId.keys()) this.#o.tracker.untrack(id);
    this.#byId.clear();
    this.#entries = [];
    this.#rows = [];
    this.#items = [];
    this.#complete = true;
    this.#boundary = undefined;
  }

  /** Takes an entry out of the rows; the caller decides whether the id stays tracked (it usually re-enters). */
  #unlink(entry: Entry<T>): void {
    const at = this.#indexOf(entry);
    removeAt(this.#entries, at);
    removeAt(this.#rows, at);
    removeAt(this.#items, at);
    this.#byId.delete(entry.entity.id);
    // The first row past the limit moves up into the shown ones.
    if (at < this.limit && this.#entries.length >= this.limit) this.#edge(this.limit - 1);
  }

  #indexOf(entry: Entry<T>): number {
    const at = this.#lowerBound(entry.row);
    return this.#entries[at] === entry ? at : this.#entries.indexOf(entry);
  }

  #edge(at: number): void {
    const e = this.#entries[at];
    if (e && this.#o.edge) this.#o.edge(e.entity);
  }

  /** Keeps the buffer bounded: beyond limit + 2·slack rows, drops back to limit + slack. */
  #trim(): void {
    const keep = this.limit + this.#o.slack;
    if (this.#entries.length <= keep + this.#o.slack) return;
    this.#rows.length = keep;
    this.#items.length = keep;
    for (const e of this.#entries.splice(keep)) {
      this.#byId.delete(e.entity.id);
      this.#o.tracker.untrack(e.entity.id);
    }
    this.#complete = false;
    this.#boundary = this.#rows[this.#rows.length - 1];
  }

  #lowerBound(row: Row): number {
    let lo = 0;
    let hi = this.#rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#o.order(this.#rows[mid] as Row, row) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** `list.splice(at, 0, value)` without the array of removed elements splice returns. */
function insertAt<X>(list: X[], at: number, value: X): void {
  let i = list.length;
  list.push(value);
  for (; i > at; i--) list[i] = list[i - 1] as X;
  list[at] = value;
}

/** `list.splice(at, 1)` without the array of removed elements. */
function removeAt<X>(list: X[], at: number): void {
  const last = list.length - 1;
  for (let i = at; i < last; i++) list[i] = list[i + 1] as X;
  list.pop();
}
