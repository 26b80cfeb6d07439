import { useEffect, useState } from 'preact/hooks';

/**
 * The console's own paths. The server answers index.html for exactly these (and `/`), so a
 * reload or a bookmark lands on the right view; keep the two lists equal (src/console/routes.ts).
 */
export const VIEW_PATHS = [
  '/payments',
  '/employees',
  '/sessions',
  '/users',
  '/apis',
  '/roles',
  '/keys',
  '/audit',
  '/security',
  '/verify-email',
] as const;
export type ViewPath = (typeof VIEW_PATHS)[number];

const NAVIGATED = 'bulwark:navigate';

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace === true) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  dispatchEvent(new Event(NAVIGATED));
}

/** The current view path, following links, back and forward. */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const follow = () => setPath(location.pathname);
    addEventListener('popstate', follow);
    addEventListener(NAVIGATED, follow);
    return () => {
      removeEventListener('popstate', follow);
      removeEventListener(NAVIGATED, follow);
    };
  }, []);
  return path;
}

export function isViewPath(path: string): path is ViewPath {
  return (VIEW_PATHS as readonly string[]).includes(path);
}

/** A query parameter of the current address (e.g. `id` of /payments?id=…), following navigation. */
export function useQueryParam(name: string): string | null {
  const read = () => new URLSearchParams(location.search).get(name);
  const [value, setValue] = useState(read);
  useEffect(() => {
    const follow = () => setValue(read());
    addEventListener('popstate', follow);
    addEventListener(NAVIGATED, follow);
    return () => {
      removeEventListener('popstate', follow);
      removeEventListener(NAVIGATED, follow);
    };
  }, [name]);
  return value;
}
