import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import { formatDate, formatShortDate } from '../format/format.ts';
import { EChart } from './echart.tsx';

/** The dates a milestone's spread chart shows. */
export interface SpreadDates {
  planned: string;
  forecast: string;
  p50: string;
  p85: string;
  p95: string;
}

const ROWS = [
  ['planned', 'Plan', '#364fc7'],
  ['forecast', 'Forecast', '#495057'],
  ['p50', '50% sure by', '#2b8a3e'],
  ['p85', '85% sure by', '#d9480f'],
  ['p95', '95% sure by', '#c92a2a'],
] as const;

const DAY = 86_400_000;

function at(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`);
}

/** The chart's text alternative: the dates, in words. */
export function describeSpread(d: SpreadDates): string {
  return `Plan ${formatDate(d.planned)}, forecast ${formatDate(d.forecast)}; in the trials, half land by ${formatDate(d.p50)}, 85% by ${formatDate(d.p85)}, 95% by ${formatDate(d.p95)}.`;
}

/** Plan, forecast and the P50/P85/P95 dates on one time line, the spread as a bar from P50 to P95. */
export function ForecastSpreadChart({ dates }: { dates: SpreadDates }) {
  const option = useMemo<EChartsCoreOption>(() => {
    const all = ROWS.map(([key]) => at(dates[key]));
    const min = Math.min(...all) - 3 * DAY;
    const max = Math.max(...all) + 3 * DAY;
    const labels = ROWS.map(([, label]) => label);
    return {
      animation: false,
      grid: {
        left: 8,
        right: 16,
        top: 8,
        bottom: 8,
        outerBoundsMode: 'same',
        outerBoundsContain: 'axisLabel',
      },
      tooltip: {
        trigger: 'item',
        formatter: (p: { name: string; value: [number, string] }) =>
          `${p.value[1]}: ${formatDate(new Date(p.value[0]).toISOString())}`,
      },
      xAxis: {
        type: 'time',
        min,
        max,
        axisLabel: {
          color: '#495057',
          fontSize: 11,
          hideOverlap: true,
          formatter: (value: number) => formatShortDate(new Date(value).toISOString()),
        },
        splitLine: { show: true, lineStyle: { color: '#f1f3f5' } },
      },
      yAxis: {
        type: 'category',
        data: labels,
        inverse: true,
        axisTick: { show: false },
        axisLine: { show: false },
        axisLabel: { color: '#343a40', fontSize: 12 },
      },
      series: [
        {
          // The spread: from the date half the trials make to the one 95% make.
          type: 'line',
          data: [
            [at(dates.p50), labels[2]],
            [at(dates.p85), labels[3]],
            [at(dates.p95), labels[4]],
          ],
          lineStyle: { color: '#ced4da', width: 6, cap: 'round' },
          symbol: 'none',
          silent: true,
          z: 1,
        },
        {
          type: 'scatter',
          symbolSize: 14,
          data: ROWS.map(([key, label, color]) => ({
            value: [at(dates[key]), label],
            itemStyle: { color },
            label: {
              show: true,
              position: 'right',
              formatter: () => formatDate(dates[key]),
              color: '#212529',
              fontSize: 11,
            },
          })),
          z: 2,
        },
      ],
    };
  }, [dates]);
  return (
    <EChart option={option} height={190} label={describeSpread(dates)} testId="forecast-spread" />
  );
}
