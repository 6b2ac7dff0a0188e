/** React 18/19 bindings: live queries and views as React state. Browsers (and any React renderer). */
export { useLiveQuery } from './bindings/react/use-live-query';
export { useView } from './bindings/react/use-view';
export { type LiveQueryState } from './bindings/react/live-query-store';
export {
  AnkurahProvider,
  useAnkurahContext,
  useAnkurahContext as useContext,
  type AnkurahProviderProps,
} from './bindings/react/context';
