import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { type Observable } from 'rxjs';

/**
 * The latest value of an Observable that replays its current value on subscribe (such as `node.pending$`) as
 * React state; `initial` until it has emitted.
 */
export function useObservableValue<T>(source: Observable<T>, initial: T): T {
  const box = useMemo(() => ({ value: initial }), [source]);
  const subscribe = useCallback(
    (onChange: () => void) => {
      const s = source.subscribe((v) => {
        box.value = v;
        onChange();
      });
      return () => s.unsubscribe();
    },
    [source, box],
  );
  const get = useCallback(() => box.value, [box]);
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
