import { useCallback, useSyncExternalStore } from 'react';
import { type BehaviorSubject } from 'rxjs';

/** The current value of a BehaviorSubject (such as `node.pending$`) as React state. */
export function useBehaviorSubject<T>(subject: BehaviorSubject<T>): T {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const s = subject.subscribe(() => onChange());
      return () => s.unsubscribe();
    },
    [subject],
  );
  const get = useCallback(() => subject.getValue(), [subject]);
  return useSyncExternalStore(subscribe, get, get);
}

/** What the page exposes for the browser tests: commit counts per row and the first-rows timestamp. */
export interface SampleProbe {
  renders: Record<string, number>;
  /** `performance.now()` (ms since navigation start) when the first rows were on screen. */
  firstRowsAt?: number;
}

/** The probe on `window` (created on first use). */
export function probe(): SampleProbe {
  const w = globalThis as { albumsProbe?: SampleProbe };
  w.albumsProbe ??= { renders: {} };
  return w.albumsProbe;
}
