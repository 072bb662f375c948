import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import { formatCompact, formatValue } from '../format/format.ts';
import { EChart } from './echart.tsx';

const AXIS_TEXT = '#495057';
const NOW_COLOR = '#868e96';
const TARGET_COLOR = '#212529';
const OPTION_COLORS = ['#4c6ef5', '#0c8599', '#d9480f', '#9c36b5'];

/** One bar series of the comparison: doing nothing, or an option or scenario. */
export interface ComparedSeries {
  /** Its title, as the table beside the chart and the chart's text say it: `2. Add IT capacity`. */
  label: string;
  /** What the legend and the tooltip call it: `Now (do nothing)`, `Option 2`, `Scenario A`. */
  legend: string;
  /** What the bar says on top of itself, so that no one needs the colour: `Now`, `2`. */
  short: string;
  /** The forecast per period, in the order of `periods`. */
  values: (number | null)[];
}

/** A KPI's forecast per period, doing nothing and with each option, against its target. */
export interface ComparedKpi {
  kpi: string;
  /** `Realised cost savings (K-SAVINGS)`. */
  name: string;
  unitOfMeasure: string;
  periods: string[];
  targets: (number | null)[];
  series: ComparedSeries[];
}

function chartOption(data: ComparedKpi): EChartsCoreOption {
  const unit = data.unitOfMeasure;
  const label = (text: string) => ({
    show: true,
    position: 'top',
    color: AXIS_TEXT,
    fontSize: 11,
    formatter: () => text,
  });
  return {
    animation: false,
    grid: {
      left: 8,
      right: 16,
      top: 44,
      bottom: 8,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    legend: { top: 0, left: 0, textStyle: { color: AXIS_TEXT }, itemGap: 12 },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (value: unknown) =>
        typeof value === 'number' ? formatValue(value, unit) : '—',
    },
    xAxis: {
      type: 'category',
      data: data.periods,
      axisLabel: { color: AXIS_TEXT },
      axisLine: { lineStyle: { color: '#ced4da' } },
    },
    yAxis: {
      type: 'value',
      axisLabel: { color: AXIS_TEXT, formatter: (v: number) => formatCompact(v, unit) },
      splitLine: { lineStyle: { color: '#f1f3f5' } },
    },
    series: [
      {
        name: 'Target',
        type: 'bar',
        barMaxWidth: 36,
        itemStyle: {
          color: 'rgba(255,255,255,0)',
          borderColor: TARGET_COLOR,
          borderWidth: 1.5,
          borderType: 'dashed',
        },
        label: label('Target'),
        data: data.targets,
      },
      ...data.series.map((s, k) => ({
        name: s.legend,
        type: 'bar',
        barMaxWidth: 36,
        itemStyle: {
          color: k === 0 ? NOW_COLOR : OPTION_COLORS[(k - 1) % OPTION_COLORS.length],
        },
        label: label(s.short),
        data: s.values,
      })),
    ],
  };
}

/** What the chart shows, in words: its accessible name (the table beside it says the same). */
export function describeComparedKpi(data: ComparedKpi): string {
  const unit = data.unitOfMeasure;
  const periods = data.periods.map((period, p) => {
    const values = data.series
      .map((s) => `${s.label} ${formatValue(s.values[p], unit)}`)
      .join(', ');
    return `${period}: target ${formatValue(data.targets[p], unit)}; ${values}`;
  });
  return `${data.name}, forecast per period against target. ${periods.join('. ')}.`;
}

/** A KPI's forecast per period for doing nothing and for each option, against the target. */
export function ComparedKpiChart({ data }: { data: ComparedKpi }) {
  const option = useMemo(() => chartOption(data), [data]);
  return (
    <EChart
      option={option}
      height={260}
      label={describeComparedKpi(data)}
      testId={`compared-kpi-chart-${data.kpi}`}
    />
  );
}
