import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ProblemAlert } from './problem';

/**
 * A view loaded on first use (its own chunk): the first load carries only the shell and sign-in.
 * The module is fetched once and kept; a failed fetch is shown, and the next visit tries again.
 */
export function lazyView<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  return function LazyView(props: P) {
    const [view, setView] = useState<ComponentType<P> | undefined>(() => loaded);
    const [error, setError] = useState<unknown>(undefined);
    useEffect(() => {
      if (view !== undefined) return;
      let live = true;
      load().then(
        (component) => {
          loaded = component;
          if (live) setView(() => component);
        },
        (failure: unknown) => live && setError(failure),
      );
      return () => {
        live = false;
      };
    }, [view]);
    if (error !== undefined) return <ProblemAlert error={error} />;
    if (view === undefined) return <p aria-busy="true">Loading…</p>;
    const View = view;
    return <View {...props} />;
  };
}
