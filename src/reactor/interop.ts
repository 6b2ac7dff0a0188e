import { observable, type Subscribable } from 'rxjs';

/** The key RxJS's `from()` looks up, and the string key other interop libraries fall back to. */
const KEYS: readonly (string | symbol)[] = [...new Set<string | symbol>([observable, '@@observable'])];

/**
 * Makes a class's instances interop Observables (`from(x)` in RxJS, and libraries that read
 * `Symbol.observable` or `'@@observable'`): the method returns the observable `source` gives. The class
 * declares `declare [Symbol.observable]: () => Subscribable<T>` for its type; this defines it at run time
 * under the key RxJS actually uses (`Symbol.observable` is undefined in Node unless polyfilled).
 */
export function defineInterop<C extends object, T>(proto: C, source: (instance: C) => Subscribable<T>): void {
  for (const key of KEYS) {
    Object.defineProperty(proto, key, {
      configurable: true,
      writable: true,
      value(this: C): Subscribable<T> {
        return source(this);
      },
    });
  }
}
