import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useState,
  useSyncExternalStore,
} from 'react';
import { createLiveStore, type LiveSnapshot, type LiveStore } from './live-store.ts';
import { useMe } from './session-context.tsx';

const LiveContext = createContext<LiveStore | null>(null);

/** Keeps the signed-in app's data live for every page below it. */
export function LiveProvider({ children }: { children: ReactNode }) {
  // Whose signals are `forMe` when the feed raises one: the signed-in person's.
  const personId = useMe().person.id;
  const [store] = useState(() => createLiveStore({ personId }));
  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);
  return <LiveContext.Provider value={store}>{children}</LiveContext.Provider>;
}

/** The live store itself (to refresh or dismiss a notice). */
export function useLiveStore(): LiveStore {
  const store = useContext(LiveContext);
  if (store === null) throw new Error('useLiveStore needs a LiveProvider above it');
  return store;
}

/** The live data; re-renders when it changes. */
export function useLive(): LiveSnapshot {
  const store = useLiveStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
