import { useCallback, useSyncExternalStore } from 'react';
import { type View } from '../../model/view';

/**
 * Re-renders the component whenever `view`'s entity changes (and only then), and returns the view. Views keep
 * their identity across changes, so a `React.memo` row given a view re-renders through this hook alone when
 * its own entity changes, not when its siblings do. `null`/`undefined` pass through.
 */
export function useView<V extends View<object> | null | undefined>(view: V): V {
  const subscribe = useCallback(
    (onChange: () => void) => {
      if (!view) return () => undefined;
      const s = view.changes$.subscribe(() => onChange());
      return () => s.unsubscribe();
    },
    [view],
  );
  const version = useCallback(() => (view ? versionOf(view) : ''), [view]);
  useSyncExternalStore(subscribe, version, version);
  return view;
}

/** The entity's version: its head (the event ids it has seen last), a string so equal heads compare equal. */
function versionOf(view: View<object>): string {
  return view.deleted ? `${view.head.join(',')}!` : view.head.join(',');
}
