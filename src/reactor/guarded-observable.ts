import { Observable, type Observer, Subscriber, type Subscription } from 'rxjs';

type Next<T> = ((value: T) => void) | null | undefined;

/**
 * An Observable whose direct subscribers' callbacks are guarded: an exception thrown by one of them is
 * reported (to `node.errors$`) instead of escaping, so one failing subscriber cannot disturb the others or
 * the commit that caused the emission. Operator chains (`pipe`) subscribe with RxJS Subscribers, which are
 * passed through untouched and keep RxJS's own handling.
 */
export class GuardedObservable<T> extends Observable<T> {
  readonly #report: (error: unknown) => void;

  constructor(source: Observable<T>, report: (error: unknown) => void) {
    super((subscriber) => source.subscribe(subscriber));
    this.#report = report;
  }

  override subscribe(
    observerOrNext?: Partial<Observer<T>> | Next<T>,
    error?: ((e: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription {
    if (observerOrNext instanceof Subscriber) return super.subscribe(observerOrNext);
    const o: Partial<Observer<T>> =
      typeof observerOrNext === 'function' || observerOrNext == null
        ? {
            ...(observerOrNext ? { next: observerOrNext } : {}),
            ...(error ? { error } : {}),
            ...(complete ? { complete } : {}),
          }
        : observerOrNext;
    return super.subscribe({
      // No closure per value: emissions are the hot path (one per commit per subscriber).
      next: (v) => {
        try {
          o.next?.(v);
        } catch (e) {
          this.#report(e);
        }
      },
      error: (e: unknown) => {
        if (o.error) this.#guard(() => o.error?.(e));
        else this.#report(e);
      },
      complete: () => this.#guard(() => o.complete?.()),
    });
  }

  #guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#report(e);
    }
  }
}
