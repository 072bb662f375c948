import { Skeleton } from '@mantine/core';
import { lazy, Suspense } from 'react';
import type { BudgetPeriod, KpiChartData } from './kpi-charts.tsx';
import type { ComparedKpi } from './option-charts.tsx';

// The chart library loads in its own chunk, in parallel with the page's data.
const charts = () => import('./kpi-charts.tsx');
const LazyMini = lazy(() => charts().then((m) => ({ default: m.KpiMiniChart })));
const LazyFull = lazy(() => charts().then((m) => ({ default: m.KpiChart })));
const LazyBudget = lazy(() => charts().then((m) => ({ default: m.BudgetChart })));
const LazyCompared = lazy(() =>
  import('./option-charts.tsx').then((m) => ({ default: m.ComparedKpiChart })),
);

/** Starts loading the charts before any is on screen. */
export function preloadCharts(): void {
  void charts();
}

export function KpiMiniChart({ kpi }: { kpi: KpiChartData }) {
  return (
    <Suspense fallback={<Skeleton height={110} />}>
      <LazyMini kpi={kpi} />
    </Suspense>
  );
}

export function KpiChart(props: { kpi: KpiChartData; benefitLabel: (id: string) => string }) {
  return (
    <Suspense fallback={<Skeleton height={340} />}>
      <LazyFull {...props} />
    </Suspense>
  );
}

export function BudgetChart(props: { periods: BudgetPeriod[]; currency: string }) {
  return (
    <Suspense fallback={<Skeleton height={260} />}>
      <LazyBudget {...props} />
    </Suspense>
  );
}

export function ComparedKpiChart(props: { data: ComparedKpi }) {
  return (
    <Suspense fallback={<Skeleton height={260} />}>
      <LazyCompared {...props} />
    </Suspense>
  );
}
