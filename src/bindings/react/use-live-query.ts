import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { type ModelClass } from '../../model/model-meta';
import { type Context } from '../../node/api/context';
import { noProvider, useOptionalAnkurahContext } from './context';
import { LiveQueryStore, type LiveQueryState } from './live-query-store';

/**
 * A live query as React state: `{ items, loaded, error }`, re-rendering the component when the result changes.
 * Built on `useSyncExternalStore` (no tearing under concurrent rendering); the query opens on mount, closes on
 * unmount (StrictMode's double mount keeps one), and is re-opened when the context, model, selection or a
 * parameter changes (showing the previous items, `loaded: false`, until the new result is in). Item views keep
 * their identity across changes: render rows with `React.memo` and `useView(view)` so that only the rows whose
 * entity changed re-render.
 *
 * `useLiveQuery(ctx, Album, 'year > ?', 1985)`, or `useLiveQuery(Album, 'year > ?', 1985)` under an
 * AnkurahProvider.
 */
export function useLiveQuery<M extends object>(
  ctx: Context,
  model: ModelClass<M>,
  selection: string,
  ...params: unknown[]
): LiveQueryState<M>;
export function useLiveQuery<M extends object>(
  model: ModelClass<M>,
  selection: string,
  ...params: unknown[]
): LiveQueryState<M>;
export function useLiveQuery<M extends object>(...args: unknown[]): LiveQueryState<M> {
  const provided = useOptionalAnkurahContext();
  // A model is a class; a Context is an instance (no instanceof: it would fail across package copies).
  const explicit = typeof args[0] !== 'function';
  const ctx = explicit ? (args[0] as Context) : provided;
  const rest = explicit ? args.slice(1) : args;
  const model = rest[0] as ModelClass<M>;
  const selection = rest[1] as string;
  const params = rest.slice(2);
  const key = paramsKey(params);
  const committed = useRef<LiveQueryStore<M> | undefined>(undefined);
  const store = useMemo(() => {
    if (!ctx) return undefined;
    // Reading the last committed store only seeds the new one's items, so a filter change does not flash empty.
    const seed = committed.current?.getSnapshot().items;
    return new LiveQueryStore<M>(ctx, model, selection, params, seed);
    // `key` stands for the parameters' values: a new array with equal values keeps the query.
  }, [ctx, model, selection, key]);
  useEffect(() => {
    committed.current = store;
  }, [store]);
  if (!store) throw noProvider();
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}

/** A value key for query parameters: equal values give equal keys whatever their identity. */
export function paramsKey(params: readonly unknown[]): string {
  return JSON.stringify(params, (_k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v === undefined) return '\u0000undefined';
    return v;
  });
}
