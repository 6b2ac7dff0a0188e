import { type Bound } from '../query/analyze';
import { compareValues } from '../query/order';

/** A range conjunct's bounds; at least one is present. */
export interface Interval {
  readonly low?: Bound;
  readonly high?: Bound;
}

interface Entry<W> extends Interval {
  readonly watch: W;
}

/**
 * The range conjuncts on one path. Entries are grouped by the type of their bounds (a range only selects
 * values of its literal's type) and kept sorted by low bound, so a lookup binary-searches the entries whose
 * low bound is at or below the value and checks only their high bounds.
 */
export class RangeIndex<W> {
  readonly #byType = new Map<string, Entry<W>[]>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** The type a range selects, or undefined when its bounds have different types (it then selects nothing). */
  static typeOf(range: Interval): string | undefined {
    const lo = range.low === undefined ? undefined : typeof range.low.value;
    const hi = range.high === undefined ? undefined : typeof range.high.value;
    if (lo !== undefined && hi !== undefined && lo !== hi) return undefined;
    return lo ?? hi;
  }

  add(range: Interval, watch: W): void {
    const type = RangeIndex.typeOf(range) ?? 'none';
    let list = this.#byType.get(type);
    if (!list) {
      list = [];
      this.#byType.set(type, list);
    }
    const entry: Entry<W> = { ...range, watch };
    list.splice(upperBound(list, range.low?.value, true), 0, entry);
    this.#size++;
  }

  remove(watch: W): void {
    for (const [type, list] of this.#byType) {
      const at = list.findIndex((e) => e.watch === watch);
      if (at < 0) continue;
      list.splice(at, 1);
      this.#size--;
      if (list.length === 0) this.#byType.delete(type);
      return;
    }
  }

  /** Calls `fn` for every watch whose range contains `value`. */
  collect(value: unknown, fn: (watch: W) => void): void {
    const list = this.#byType.get(typeof value);
    if (!list) return;
    const end = upperBound(list, value, false);
    for (let i = 0; i < end; i++) {
      const e = list[i] as Entry<W>;
      if (e.low && !e.low.inclusive && compareValues(value, e.low.value) === 0) continue;
      if (e.high) {
        const c = compareValues(value, e.high.value);
        if (c > 0 || (c === 0 && !e.high.inclusive)) continue;
      }
      fn(e.watch);
    }
  }
}

/** The number of entries whose low bound is at or below `value` (missing lows count as below everything). */
function upperBound<W>(list: readonly Entry<W>[], value: unknown, missingIsLow: boolean): number {
  if (value === undefined) return missingIsLow ? countMissing(list) : list.length;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const low = (list[mid] as Entry<W>).low;
    if (low === undefined || compareValues(low.value, value) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function countMissing<W>(list: readonly Entry<W>[]): number {
  let n = 0;
  while (n < list.length && (list[n] as Entry<W>).low === undefined) n++;
  return n;
}
