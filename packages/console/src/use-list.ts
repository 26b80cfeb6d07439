import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useApi, type Api, type Query } from './api';

export interface Page<T> {
  items: T[];
  /** Absent from lists that are not paged (own sessions). */
  next_cursor?: string | null;
}

export interface ListState<T> {
  items: T[];
  error: unknown;
  loading: boolean;
  hasMore: boolean;
  more(): void;
  reload(): void;
}

/**
 * A cursor-paged list: the first page for `query`, "More" for the next ones. A newer load
 * supersedes an older one still in flight (filters changed twice quickly).
 */
export function useList<T>(path: string, query: Query = {}): ListState<T> {
  const { request } = useApi();
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const queryKey = JSON.stringify(query);

  const load = useCallback(
    async (after: string | null) => {
      const mine = ++generation.current;
      setLoading(true);
      setError(undefined);
      try {
        const page = await request<Page<T>>('GET', path, {
          query: { ...(JSON.parse(queryKey) as Query), cursor: after ?? undefined },
        });
        if (mine !== generation.current) return;
        setItems((previous) => (after === null ? page.items : [...previous, ...page.items]));
        // A list that is not paged (own sessions) has no next_cursor: it is complete.
        setCursor(page.next_cursor ?? null);
      } catch (failure) {
        if (mine === generation.current) setError(failure);
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [request, path, queryKey],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  return {
    items,
    error,
    loading,
    hasMore: cursor !== null,
    more: () => void load(cursor),
    reload: () => void load(null),
  };
}

/**
 * Every item of a small collection (employees, users) for names and pickers: up to `pages` pages of 100.
 * A null path loads nothing (a collection the user may not read).
 */
export function useAll<T>(path: string | null, pages = 10): { items: T[]; error: unknown } {
  const { request } = useApi();
  const [state, setState] = useState<{ items: T[]; error: unknown }>({ items: [], error: undefined });
  useEffect(() => {
    if (path === null) return;
    let live = true;
    void (async () => {
      const all: T[] = [];
      let cursor: string | null = null;
      try {
        for (let page = 0; page < pages; page++) {
          const answer: Page<T> = await request<Page<T>>('GET', path, {
            query: { limit: 100, cursor: cursor ?? undefined },
          });
          all.push(...answer.items);
          cursor = answer.next_cursor ?? null;
          if (cursor === null) break;
        }
        if (live) setState({ items: all, error: undefined });
      } catch (error) {
        if (live) setState({ items: all, error });
      }
    })();
    return () => {
      live = false;
    };
  }, [request, path, pages]);
  return state;
}

/** Every page of a filtered list, for an export: up to `maxPages` pages of 100. */
export async function fetchAll<T>(request: Api['request'], path: string, query: Query, maxPages = 100): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const answer: Page<T> = await request<Page<T>>('GET', path, { query: { ...query, limit: 100, cursor } });
    all.push(...answer.items);
    cursor = answer.next_cursor ?? undefined;
    if (cursor === undefined) break;
  }
  return all;
}
