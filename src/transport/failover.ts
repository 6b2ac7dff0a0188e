import { type Socket } from 'socket.io-client';

/** What a failover needs of the client's options. */
export interface FailoverTiming {
  readonly reconnectionDelay?: number;
  readonly reconnectionDelayMax?: number;
}

/**
 * The server list of a SocketClient given several URLs: when the connection is lost or cannot be made, the
 * socket is dropped and one to the next URL (round robin) is opened. The first move is quick (about
 * `reconnectionDelay`); each further move without reaching a server doubles the delay up to
 * `reconnectionDelayMax`, with jitter, so a fleet of clients does not stampede the survivors.
 */
export class Failover {
  readonly #urls: readonly string[];
  readonly #delay: number;
  readonly #delayMax: number;
  #index = 0;
  #misses = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #open: ((url: string) => Socket) | undefined;
  /** Wires a newly opened socket into the client (set by the client). */
  onSwitch: ((socket: Socket) => void) | undefined;

  constructor(urls: readonly string[], timing: FailoverTiming) {
    this.#urls = urls;
    this.#delay = timing.reconnectionDelay ?? 250;
    this.#delayMax = timing.reconnectionDelayMax ?? 5_000;
  }

  /** How to open a socket to one URL (set once by the client). */
  set opener(open: (url: string) => Socket) {
    this.#open = open;
  }

  get current(): string {
    return this.#urls[this.#index] as string;
  }

  /** A server answered: the next loss moves on quickly again. */
  reached(): void {
    this.#misses = 0;
  }

  /** Drops `socket` (lost or unreachable) and, after the delay, opens one to the next URL. */
  next(socket: Socket): void {
    if (this.#closed || this.#timer !== undefined) return;
    socket.removeAllListeners();
    socket.close();
    const delay =
      Math.min(this.#delayMax, this.#delay * 2 ** Math.min(this.#misses, 16)) * (0.5 + Math.random());
    this.#misses++;
    this.#index = (this.#index + 1) % this.#urls.length;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#closed || !this.#open) return;
      const fresh = this.#open(this.current);
      this.onSwitch?.(fresh);
      fresh.connect();
    }, delay);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }
}
