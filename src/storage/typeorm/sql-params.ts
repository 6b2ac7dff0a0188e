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
}
