import { objectArray } from '../model/object-array';

/**
 * A heap of event ids, greatest first by default: causal walks visit the greatest id first, so children come
 * before their parents. `least` makes it a min-heap (topological orders take the least ready id first).
 */
export class IdHeap {
  readonly #items: string[] = objectArray();
  readonly #sign: number;

  constructor(order: 'greatest' | 'least' = 'greatest') {
    this.#sign = order === 'greatest' ? 1 : -1;
  }

  /** True when `a` must come out before `b`. */
  #before(a: string, b: string): boolean {
    return this.#sign > 0 ? a > b : a < b;
  }

  get size(): number {
    return this.#items.length;
  }

  /** The id that comes out next, or undefined when empty. */
  peek(): string | undefined {
    return this.#items[0];
  }

  push(id: string): void {
    const a = this.#items;
    a.push(id);
    let i = a.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!this.#before(id, a[up] as string)) break;
      a[i] = a[up] as string;
      i = up;
    }
    a[i] = id;
  }

  /** Removes and returns the id that comes out next. */
  pop(): string | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const r = l + 1;
      const c = r < a.length && this.#before(a[r] as string, a[l] as string) ? r : l;
      if (!this.#before(a[c] as string, last)) break;
      a[i] = a[c] as string;
      i = c;
    }
    a[i] = last;
    return top;
  }
}
