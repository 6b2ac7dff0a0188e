/** How a queued commit is retried after a transient failure (the peer could not take it now). */
export interface RetryOptions {
  /** The first delay (ms); it doubles per failure in a row, with jitter, up to `maxDelay`. */
  readonly delay: number;
  readonly maxDelay: number;
}

/** The default retry delays: 250 ms doubling up to 10 s. */
export const DEFAULT_RETRY: RetryOptions = { delay: 250, maxDelay: 10_000 };

/** The backoff between attempts to send the head of the commit queue after transient failures in a row. */
export class Backoff {
  readonly #retry: RetryOptions;
  /** Transient failures in a row: the next attempt waits for the backoff delay. */
  #failures = 0;
  /** Ends the current pause early (the peer left, the hub closed). */
  #wake: (() => void) | undefined;

  constructor(retry: Partial<RetryOptions> = {}) {
    this.#retry = { ...DEFAULT_RETRY, ...retry };
  }

  /** True when the next attempt must wait first. */
  get failing(): boolean {
    return this.#failures > 0;
  }

  failed(): void {
    this.#failures++;
  }

  reset(): void {
    this.#failures = 0;
  }

  /** Ends the current pause at once. */
  wake(): void {
    this.#wake?.();
  }

  /** Waits the delay of the failures so far (with jitter, so that clients refused together spread out). */
  async pause(): Promise<void> {
    const { delay, maxDelay } = this.#retry;
    const full = Math.min(maxDelay, delay * 2 ** Math.min(this.#failures - 1, 30));
    const ms = full / 2 + (Math.random() * full) / 2;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }
}
