/**
 * Holds a client's requests back so that one connection stays within the server's `maxInFlight` and
 * `maxCostInFlight` (which the server enforces by refusing): a burst, e.g. every live query registered again
 * after a reconnect, waits here in order instead of being refused. A request is always let through when
 * nothing is in flight, so one larger than the budget still reaches the server (which refuses it).
 */
export class RequestBudget {
  readonly #maxInFlight: number;
  readonly #maxCost: number;
  #inFlight = 0;
  #cost = 0;
  readonly #waiting: { readonly cost: number; readonly start: () => void }[] = [];

  constructor(maxInFlight: number, maxCost: number) {
    this.#maxInFlight = maxInFlight;
    this.#maxCost = maxCost;
  }

  /** Runs `send` once the request fits (in arrival order); settles as its promise does. */
  run<T>(cost: number, send: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.#inFlight++;
        this.#cost += cost;
        const release = (): void => {
          this.#inFlight--;
          this.#cost -= cost;
          this.#next();
        };
        let sent: Promise<T>;
        try {
          sent = send();
        } catch (e) {
          release();
          reject(e as Error);
          return;
        }
        sent.then(
          (v) => {
            release();
            resolve(v);
          },
          (e: unknown) => {
            release();
            reject(e as Error);
          },
        );
      };
      if (this.#waiting.length === 0 && this.#fits(cost)) start();
      else this.#waiting.push({ cost, start });
    });
  }

  /** Requests waiting for room. */
  get waiting(): number {
    return this.#waiting.length;
  }

  #fits(cost: number): boolean {
    return this.#inFlight === 0 || (this.#inFlight < this.#maxInFlight && this.#cost + cost <= this.#maxCost);
  }

  #next(): void {
    for (;;) {
      const head = this.#waiting[0];
      if (!head || !this.#fits(head.cost)) return;
      this.#waiting.shift();
      head.start();
    }
  }
}
