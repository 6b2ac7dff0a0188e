/**
 * Runs async operations one at a time, in call order: a node applies one commit or remote batch at a time, and
 * SQLite's single connection must not let a read see a commit half-way.
 */
export class Serial {
  #tail: Promise<unknown> = Promise.resolve();
  #queued = 0;
  readonly #settled = (): undefined => {
    this.#queued--;
    return undefined;
  };

  /** True when no operation is queued or running. */
  get idle(): boolean {
    return this.#queued === 0;
  }

  /** Runs fn after every operation queued before it has settled. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    this.#queued++;
    const next = this.#tail.then(fn, fn);
    // The tail settles to nothing: holding the last result would keep it alive until the next operation
    // (after a bulk create, every state and change of the last commit).
    this.#tail = next.then(this.#settled, this.#settled);
    return next;
  }
}
