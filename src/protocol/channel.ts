import { UnavailableError } from '../errors/errors';

/**
 * A transport's connection as the protocol sees it: one request in, its acknowledgement out.
 * Invariant: `request` rejects with UnavailableError when the connection is gone before the answer arrives.
 */
export interface Channel {
  request(frame: unknown): Promise<unknown>;
}

/** Tracks unanswered requests so that a disconnect rejects them all at once. */
export class InFlight {
  readonly #waiting = new Set<(e: Error) => void>();

  /** Runs `send`, whose callback receives the answer; the promise rejects if the connection drops first. */
  track(send: (answer: (raw: unknown) => void) => void): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const fail = (e: Error): void => reject(e);
      this.#waiting.add(fail);
      send((raw) => {
        if (!this.#waiting.delete(fail)) return;
        resolve(raw);
      });
    });
  }

  /** Rejects every unanswered request (the connection is gone). */
  failAll(reason: string): void {
    const waiting = [...this.#waiting];
    this.#waiting.clear();
    for (const fail of waiting) fail(UnavailableError.connectionLost(reason));
  }

  get size(): number {
    return this.#waiting.size;
  }
}
