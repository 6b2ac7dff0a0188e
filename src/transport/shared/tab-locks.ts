/** The part of the Web Locks API (navigator.locks) a shared connection uses. */
export interface LockManagerLike {
  request(name: string, options: { signal: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
}

/** The Web Lock a tab holds for its whole life: granted to another context only once the tab is gone. */
export function tabLockName(name: string, tab: string): string {
  return `ankurah-tab:${name}:${tab}`;
}

/**
 * Takes this tab's lock and holds it until `signal` aborts (or the tab dies: the browser releases a closed
 * or crashed context's locks). Resolves once the lock is granted, so a leader that asks for it later waits.
 */
export async function holdTabLock(
  locks: LockManagerLike,
  name: string,
  tab: string,
  signal: AbortSignal,
): Promise<void> {
  await new Promise<void>((granted, refused) => {
    locks
      .request(tabLockName(name, tab), { signal }, () => {
        granted();
        return new Promise<void>((release) => {
          if (signal.aborted) release();
          else signal.addEventListener('abort', () => release());
        });
      })
      .catch(refused);
  });
}

/**
 * The leader's watch on the follower tabs it serves: it asks for each tab's lock, which the browser grants
 * only once that tab is gone (closed, killed or crashed, with or without `conn.close()`), then reports the
 * tab and releases the lock at once. `close()` withdraws the requests still waiting.
 */
export class TabWatch {
  readonly #locks: LockManagerLike;
  readonly #name: string;
  readonly #abort = new AbortController();

  constructor(locks: LockManagerLike, name: string) {
    this.#locks = locks;
    this.#name = name;
  }

  /** Calls `gone` once `tab` is gone (never after close()). */
  watch(tab: string, gone: () => void): void {
    const signal = this.#abort.signal;
    if (signal.aborted) return;
    this.#locks
      .request(tabLockName(this.#name, tab), { signal }, () => {
        if (!signal.aborted) gone();
        return Promise.resolve();
      })
      .catch(() => undefined);
  }

  /** Withdraws every request still waiting (this tab stops leading). */
  close(): void {
    this.#abort.abort();
  }
}
