/**
 * Runs async operations one at a time, in call order: a node applies one commit or remote batch at a time, and
 * SQLite's single connection must not let a read see a commit half-way.
 */
export class Serial {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs fn after every operation queued before it has settled. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(fn, fn);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}
