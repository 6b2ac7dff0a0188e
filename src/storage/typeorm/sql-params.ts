/** Collects the named parameters of one generated statement (`:p0`, `:p1`, …) so no value enters SQL text. */
export class SqlParams {
  readonly values: Record<string, unknown> = {};
  #next = 0;

  /** Registers a value and returns its placeholder. */
  add(value: unknown): string {
    const key = `p${this.#next++}`;
    this.values[key] = value;
    return `:${key}`;
  }

  /** How many parameters were registered. */
  get count(): number {
    return this.#next;
  }
}

/**
 * Joins terms with AND or OR as a balanced tree of parenthesised halves, so a chain of n terms nests
 * log2(n) deep: SQLite refuses expressions deeper than 1000 ("Expression tree is too large"), which a flat
 * chain of 3,000 ORs reaches.
 */
export function balanced(terms: readonly string[], op: 'AND' | 'OR'): string {
  const join = (from: number, to: number): string => {
    if (to - from === 1) return terms[from] as string;
    const mid = (from + to) >>> 1;
    return `(${join(from, mid)}) ${op} (${join(mid, to)})`;
  };
  return terms.length === 0 ? (op === 'AND' ? '1=1' : '1=0') : join(0, terms.length);
}

/** The deepest nesting of parentheses in generated SQL (quoted identifiers and strings skipped). */
export function parenDepth(sql: string): number {
  let depth = 0;
  let max = 0;
  let quote: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') max = Math.max(max, ++depth);
    else if (c === ')') depth--;
  }
  return max;
}
