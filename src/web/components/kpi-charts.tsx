import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import type { KpiPeriodForecast, Status } from '../api/types.ts';
import { formatCompact, formatValue, STATUS_HEX, STATUS_LABEL } from '../format/format.ts';
import { EChart } from './echart.tsx';

const TARGET_COLOR = '#212529';
const ACTUAL_COLOR = '#495057';
const PLAN_COLOR = '#364fc7';
const BENEFIT_COLORS = ['#4c6ef5', '#15aabf', '#7950f2', '#e64980', '#fab005', '#12b886'];
const AXIS_TEXT = '#495057';

export interface KpiChartData {
  name: string;
  unitOfMeasure: string;
  periods: KpiPeriodForecast[];
}

/** A sentence saying what the chart shows, period by period. */
export function describeKpi(kpi: KpiChartData): string {
  const parts = kpi.periods.map((p) => {
    const value =
      p.actual !== null
        ? `actual ${formatValue(p.actual, kpi.unitOfMeasure)}`
        : `forecast ${formatValue(p.forecast, kpi.unitOfMeasure)}`;
    const target =
      p.target === null ? 'no target' : `target ${formatValue(p.target, kpi.unitOfMeasure)}`;
    return `${p.period}: ${value}, ${target}, ${STATUS_LABEL[p.status.status].toLowerCase()}`;
  });
  return `${kpi.name} per period. ${parts.join('; ')}.`;
}

function tooltipValue(unit: string) {
  return (value: unknown): string => (typeof value === 'number' ? formatValue(value, unit) : '—');
}

/** Actual or forecast per period (bar, coloured by status) against the target (tick). */
function miniOption(kpi: KpiChartData): EChartsCoreOption {
  const unit = kpi.unitOfMeasure;
  const statusColor = (status: Status, forecast: boolean) =>
    forecast ? `${STATUS_HEX[status]}b3` : STATUS_HEX[status];
  return {
    animation: false,
    grid: {
      left: 4,
      right: 8,
      top: 10,
      bottom: 4,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    tooltip: { trigger: 'axis', valueFormatter: tooltipValue(unit) },
    xAxis: {
      type: 'category',
      data: kpi.periods.map((p) => p.period),
      axisTick: { show: false },
      axisLabel: { color: AXIS_TEXT, fontSize: 10 },
      axisLine: { lineStyle: { color: '#ced4da' } },
    },
    yAxis: {
      type: 'value',
      splitNumber: 2,
      axisLabel: {
        color: AXIS_TEXT,
        fontSize: 10,
        formatter: (v: number) => formatCompact(v, unit),
      },
      splitLine: { lineStyle: { color: '#f1f3f5' } },
    },
    series: [
      {
        name: 'Actual',
        type: 'bar',
        stack: 'value',
        barMaxWidth: 26,
        data: kpi.periods.map((p) =>
          p.actual === null
            ? null
            : { value: p.actual, itemStyle: { color: statusColor(p.status.status, false) } },
        ),
      },
      {
        name: 'Forecast',
        type: 'bar',
        stack: 'value',
        barMaxWidth: 26,
        data: kpi.periods.map((p) =>
          p.actual !== null
            ? null
            : {
                value: p.forecast,
                itemStyle: {
                  color: statusColor(p.status.status, true),
                  borderColor: STATUS_HEX[p.status.status],
                  borderWidth: 1,
                  borderType: 'dashed',
                },
              },
        ),
      },
      {
        name: 'Target',
        type: 'scatter',
        symbol: 'rect',
        symbolSize: [30, 3],
        itemStyle: { color: TARGET_COLOR },
        data: kpi.periods.map((p) => p.target),
        z: 5,
      },
    ],
  };
}

/** The small chart of a KPI card. */
export function KpiMiniChart({ kpi }: { kpi: KpiChartData }) {
  const option = useMemo(() => miniOption(kpi), [kpi]);
  return <EChart option={option} height={110} label={describeKpi(kpi)} testId="kpi-mini-chart" />;
}

export interface BenefitSource {
  benefit: string;
  /** How the legend names it, e.g. "Procurement consolidation (B-PURCH-SAVINGS)". */
  label: string;
}

/**
 * The KPI page's chart: actuals; the forecast built up from the baseline and each benefit's
 * contribution, stacked; the target; and the forecast had every milestone landed on plan.
 */
function fullOption(kpi: KpiChartData, benefitLabel: (id: string) => string): EChartsCoreOption {
  const unit = kpi.unitOfMeasure;
  const benefitIds = [...new Set(kpi.periods.flatMap((p) => p.benefits.map((b) => b.benefit)))];
  const base = kpi.periods.map((p) => {
    if (p.actual !== null) return null;
    const benefits = p.benefits.reduce((sum, b) => sum + b.amount, 0);
    return p.forecast - benefits;
  });
  const showBase = base.some((v) => v !== null && Math.abs(v) > 1e-9);
  const series: unknown[] = [
    {
      name: 'Actual',
      type: 'bar',
      stack: 'value',
      barMaxWidth: 48,
      itemStyle: { color: ACTUAL_COLOR },
      data: kpi.periods.map((p) => p.actual),
    },
  ];
  if (showBase) {
    series.push({
      name: 'Forecast: baseline',
      type: 'bar',
      stack: 'value',
      barMaxWidth: 48,
      itemStyle: { color: '#adb5bd' },
      data: base,
    });
  }
  benefitIds.forEach((id, index) => {
    series.push({
      name: `Forecast: ${benefitLabel(id)}`,
      type: 'bar',
      stack: 'value',
      barMaxWidth: 48,
      itemStyle: { color: BENEFIT_COLORS[index % BENEFIT_COLORS.length] },
      data: kpi.periods.map((p) =>
        p.actual !== null ? null : (p.benefits.find((b) => b.benefit === id)?.amount ?? 0),
      ),
    });
  });
  series.push(
    {
      name: 'Target',
      type: 'line',
      step: 'middle',
      symbol: 'rect',
      symbolSize: [36, 3],
      lineStyle: { color: TARGET_COLOR, type: 'dashed', width: 1.5 },
      itemStyle: { color: TARGET_COLOR },
      data: kpi.periods.map((p) => p.target),
      z: 5,
    },
    {
      name: 'Forecast had milestones landed on plan',
      type: 'scatter',
      symbol: 'circle',
      symbolSize: 10,
      itemStyle: { color: '#fff', borderColor: PLAN_COLOR, borderWidth: 2 },
      data: kpi.periods.map((p) => (p.actual !== null ? null : p.forecastAtPlan)),
      z: 6,
    },
  );
  return {
    animation: false,
    grid: {
      left: 8,
      right: 16,
      top: 56,
      bottom: 8,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    legend: { top: 0, left: 0, textStyle: { color: AXIS_TEXT }, itemGap: 14 },
    tooltip: { trigger: 'axis', valueFormatter: tooltipValue(unit) },
    xAxis: {
      type: 'category',
      data: kpi.periods.map((p) => p.period),
      axisLabel: { color: AXIS_TEXT },
      axisLine: { lineStyle: { color: '#ced4da' } },
    },
    yAxis: {
      type: 'value',
      axisLabel: { color: AXIS_TEXT, formatter: (v: number) => formatCompact(v, unit) },
      splitLine: { lineStyle: { color: '#f1f3f5' } },
    },
    series,
  };
}

/** The KPI page's chart. */
export function KpiChart({
  kpi,
  benefitLabel,
}: {
  kpi: KpiChartData;
  benefitLabel: (id: string) => string;
}) {
  const option = useMemo(() => fullOption(kpi, benefitLabel), [kpi, benefitLabel]);
  return <EChart option={option} height={340} label={describeKpi(kpi)} testId="kpi-chart" />;
}

export interface BudgetPeriod {
  period: string;
  plan: number;
  committed: number | null;
  actual: number | null;
}

/** Budget per period: plan, committed and actual side by side. */
export function BudgetChart({ periods, currency }: { periods: BudgetPeriod[]; currency: string }) {
  const option = useMemo<EChartsCoreOption>(
    () => ({
      animation: false,
      grid: {
        left: 8,
        right: 16,
        top: 36,
        bottom: 8,
        outerBoundsMode: 'same',
        outerBoundsContain: 'axisLabel',
      },
      legend: { top: 0, left: 0, textStyle: { color: AXIS_TEXT } },
      tooltip: { trigger: 'axis', valueFormatter: tooltipValue(currency) },
      xAxis: {
        type: 'category',
        data: periods.map((p) => p.period),
        axisLabel: { color: AXIS_TEXT },
        axisLine: { lineStyle: { color: '#ced4da' } },
      },
      yAxis: {
        type: 'value',
        axisLabel: { color: AXIS_TEXT, formatter: (v: number) => formatCompact(v, currency) },
        splitLine: { lineStyle: { color: '#f1f3f5' } },
      },
      series: [
        {
          name: 'Plan',
          type: 'bar',
          itemStyle: { color: '#bac8ff' },
          data: periods.map((p) => p.plan),
          barMaxWidth: 28,
        },
        {
          name: 'Committed',
          type: 'bar',
          itemStyle: { color: '#5c7cfa' },
          data: periods.map((p) => p.committed),
          barMaxWidth: 28,
        },
        {
          name: 'Actual',
          type: 'bar',
          itemStyle: { color: '#364fc7' },
          data: periods.map((p) => p.actual),
          barMaxWidth: 28,
        },
      ],
    }),
    [periods, currency],
  );
  const label = `Budget per period, ${currency}: ${periods
    .map(
      (p) =>
        `${p.period} plan ${formatValue(p.plan, currency)}, committed ${formatValue(p.committed, currency)}, actual ${formatValue(p.actual, currency)}`,
    )
    .join('; ')}.`;
  return <EChart option={option} height={260} label={label} testId="budget-chart" />;
}
