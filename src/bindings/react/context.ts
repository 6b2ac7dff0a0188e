import { createContext, createElement, useContext as useReactContext, type ReactNode } from 'react';
import { UnavailableError } from '../../errors/errors';
import { type Context } from '../../node/api/context';

const AnkurahReactContext = createContext<Context | undefined>(undefined);
AnkurahReactContext.displayName = 'Ankurah';

/** Props of `AnkurahProvider`: the Context (`node.context(data)`) the components below read and write with. */
export interface AnkurahProviderProps {
  readonly context: Context;
  readonly children?: ReactNode;
}

/** Makes an Ankurah Context available to `useContext()` / `useAnkurahContext()` and `useLiveQuery(Model, …)`. */
export function AnkurahProvider({ context, children }: AnkurahProviderProps): ReactNode {
  return createElement(AnkurahReactContext.Provider, { value: context }, children);
}

/** The Context of the nearest AnkurahProvider; throws UnavailableError when there is none. */
export function useAnkurahContext(): Context {
  const ctx = useReactContext(AnkurahReactContext);
  if (!ctx) throw noProvider();
  return ctx;
}

/** The nearest AnkurahProvider's Context, or undefined (for hooks that also accept one explicitly). */
export function useOptionalAnkurahContext(): Context | undefined {
  return useReactContext(AnkurahReactContext);
}

export function noProvider(): UnavailableError {
  return UnavailableError.noProvider();
}
