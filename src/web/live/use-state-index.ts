import { useMemo } from 'react';
import type { StateView } from '../api/types.ts';
import { useDirectory } from './use-directory.ts';
import { useLive } from './live-context.tsx';
import { indexState, type StateIndex } from './state-index.ts';

/** The live strategic view, indexed; null until it has loaded. */
export function useStateIndex(): StateIndex | null {
  const { state } = useLive();
  return useMemo(() => (state === null ? null : indexOnce(state)), [state]);
}

// One index per view, however many components ask for it (every self-naming link does).
const indexes = new WeakMap<StateView, StateIndex>();

export function indexOnce(state: StateView): StateIndex {
  let index = indexes.get(state);
  if (index === undefined) {
    index = indexState(state);
    indexes.set(state, index);
  }
  return index;
}

/** Person names and KPI units, for signal cards and chains. */
export function useLabels(): { nameOf: (id: string) => string; unitOf: (kpi: string) => string } {
  const index = useStateIndex();
  const directory = useDirectory();
  return useMemo(
    () => ({
      nameOf: (id: string) => index?.people.get(id)?.name ?? directory.people.get(id) ?? id,
      unitOf: (kpi: string) => index?.kpis.get(kpi)?.kpi.unitOfMeasure ?? '',
    }),
    [index, directory],
  );
}
