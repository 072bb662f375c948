import { useMemo } from 'react';
import { useLive } from './live-context.tsx';
import { indexState, type StateIndex } from './state-index.ts';

/** The live strategic view, indexed; null until it has loaded. */
export function useStateIndex(): StateIndex | null {
  const { state } = useLive();
  return useMemo(() => (state === null ? null : indexState(state)), [state]);
}

/** Person names and KPI units, for signal cards and chains. */
export function useLabels(): { nameOf: (id: string) => string; unitOf: (kpi: string) => string } {
  const index = useStateIndex();
  return useMemo(
    () => ({
      nameOf: (id: string) => index?.people.get(id)?.name ?? id,
      unitOf: (kpi: string) => index?.kpis.get(kpi)?.kpi.unitOfMeasure ?? '',
    }),
    [index],
  );
}
