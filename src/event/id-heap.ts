/** A max-heap of event ids: causal walks visit the greatest id first, so children come before their parents. */
export class IdHeap {
  readonly #items: string[] = [];

  get size(): number {
    return this.#items.length;
  }

  /** The greatest id, or undefined when empty. */
  peek(): string | undefined {
    return this.#items[0];
  }

  push(id: string): void {
    const a = this.#items;
    a.push(id);
    let i = a.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if ((a[up] as string) >= id) break;
      a[i] = a[up] as string;
      i = up;
    }
    a[i] = id;
  }

  /** Removes and returns the greatest id. */
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
      const c = r < a.length && (a[r] as string) > (a[l] as string) ? r : l;
      if ((a[c] as string) <= last) break;
      a[i] = a[c] as string;
      i = c;
    }
    a[i] = last;
    return top;
  }
}
