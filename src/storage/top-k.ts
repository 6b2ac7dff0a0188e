/**
 * The first `limit` items of a stream under a total order, kept in a sorted buffer of at most `limit`
 * items: an item is compared with the last kept one and dropped when it sorts after it (the common case
 * once the buffer is full), else inserted by binary search. For ORDER BY … LIMIT over many candidates:
 * memory and comparisons stay bounded by the window instead of a sort of every match. Used by the memory
 * and IndexedDB engines.
 */
export class TopK<T> {
  readonly #limit: number;
  readonly #order: (a: T, b: T) => number;
  readonly #items: T[] = [];

  constructor(limit: number, order: (a: T, b: T) => number) {
    this.#limit = limit;
    this.#order = order;
  }

  /** Offers one item (the order must be total: equal items are not kept twice in a defined place). */
  add(item: T): void {
    const items = this.#items;
    const n = items.length;
    if (this.#limit <= 0) return;
    if (n === this.#limit && this.#order(item, items[n - 1] as T) >= 0) return;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#order(items[mid] as T, item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, item);
    if (items.length > this.#limit) items.pop();
  }

  /** The item kept last, once `limit` items are kept (a later item is kept only if it sorts before it). */
  get lastOfFull(): T | undefined {
    const items = this.#items;
    return this.#limit > 0 && items.length === this.#limit ? items[items.length - 1] : undefined;
  }

  /** The items kept, in order. */
  sorted(): T[] {
    return this.#items;
  }
}
