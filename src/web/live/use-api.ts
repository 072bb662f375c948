import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import { useLive } from './live-context.tsx';

export type Loaded<T> =
  | { status: 'loading'; data: null; error: null }
  | { status: 'ready'; data: T; error: null }
  | { status: 'error'; data: T | null; error: Error };

/**
 * Reads an API path, and again whenever the live data changed (or `reloadKey` did), keeping the
 * last answer on screen while the next one loads (no flicker on a live update).
 */
export function useApi<T>(path: string | null, reloadKey = 0): Loaded<T> {
  const { version } = useLive();
  const [loaded, setLoaded] = useState<{ path: string | null; value: Loaded<T> }>({
    path,
    value: { status: 'loading', data: null, error: null },
  });
  useEffect(() => {
    if (path === null) return;
    const abort = new AbortController();
    api<T>(path, { signal: abort.signal }).then(
      (data) => setLoaded({ path, value: { status: 'ready', data, error: null } }),
      (error: unknown) => {
        if (abort.signal.aborted) return;
        setLoaded((previous) => ({
          path,
          value: {
            status: 'error',
            data: previous.path === path ? previous.value.data : null,
            error: error instanceof Error ? error : new Error(String(error)),
          },
        }));
      },
    );
    return () => abort.abort();
  }, [path, version, reloadKey]);
  // A new path starts from nothing; the same path keeps its answer while it reloads.
  if (loaded.path !== path) return { status: 'loading', data: null, error: null };
  return loaded.value;
}
