import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { LiveSnapshot } from '../live/live-store.ts';
import { useApi } from '../live/use-api.ts';
import { indexOnce } from '../live/use-state-index.ts';
import type { StateIndex } from '../live/state-index.ts';
import type { SignalList, StateView } from './types.ts';

/**
 * "As we knew it on …": a page's reads answered from the history (`?knownAt=` on the API) while
 * the page's own URL carries `?knownAt=`. The strategy map, objective, KPI and initiative pages
 * read through these hooks; without the parameter they read now, live.
 */

/** The URL search parameter that holds the instant. */
export const KNOWN_AT_PARAM = 'knownAt';

/** The instant the page is looking back at (ISO 8601), or null for now. */
export function useKnownAt(): string | null {
  const [params] = useSearchParams();
  const value = params.get(KNOWN_AT_PARAM);
  return value === null || value === '' ? null : value;
}

/** An API path with `knownAt` added when the page looks back. */
export function withKnownAt(path: string, knownAt: string | null): string {
  if (knownAt === null) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${KNOWN_AT_PARAM}=${encodeURIComponent(knownAt)}`;
}

/** `path`, as known at the page's instant when it looks back. */
export function useKnownAtPath(path: string): string {
  return withKnownAt(path, useKnownAt());
}

/** The strategic view as known then (null while it loads; undefined when the page reads now). */
function usePastState(knownAt: string | null): {
  state: StateView | null | undefined;
  signals: SignalList | null | undefined;
  error: Error | null;
} {
  const state = useApi<StateView>(knownAt === null ? null : withKnownAt('/api/v1/state', knownAt));
  const signals = useApi<SignalList>(
    knownAt === null ? null : withKnownAt('/api/v1/signals', knownAt),
  );
  if (knownAt === null) return { state: undefined, signals: undefined, error: null };
  return { state: state.data, signals: signals.data, error: state.error ?? signals.error };
}

/** The live snapshot, or the one known at the page's instant (state and signals). */
export function useKnownAtLive(live: LiveSnapshot): LiveSnapshot {
  const knownAt = useKnownAt();
  const past = usePastState(knownAt);
  return useMemo(() => {
    if (past.state === undefined) return live;
    // A failed read keeps the page on now; the time control says why.
    if (past.error !== null) return live;
    return {
      ...live,
      state: past.state,
      signals: past.signals?.signals ?? null,
    };
  }, [live, past.state, past.signals, past.error]);
}

/** The state index now, or the one known at the page's instant. */
export function useKnownAtIndex(index: StateIndex | null): StateIndex | null {
  const knownAt = useKnownAt();
  const past = usePastState(knownAt);
  return useMemo(() => {
    if (past.state === undefined || past.error !== null) return index;
    return past.state === null ? null : indexOnce(past.state);
  }, [index, past.state, past.error]);
}

/** Why the page's instant cannot be read (before the first write, in the future …), or null. */
export function useKnownAtError(): Error | null {
  return usePastState(useKnownAt()).error;
}
