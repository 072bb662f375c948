import { Card, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import type { EChartsCoreOption } from 'echarts/core';
import { lazy, Suspense, useMemo } from 'react';
import { apiPath } from '../api/client.ts';
import type { KpiForecastHistoryView } from '../api/types.ts';
import { formatCompact, formatInstant, formatValue } from '../format/format.ts';
import { useApi } from '../live/use-api.ts';

// The chart library loads in its own chunk, as the other charts do.
const EChart = lazy(() => import('./echart.tsx').then((m) => ({ default: m.EChart })));

const COLORS = ['#364fc7', '#0b7285', '#862e9c', '#c2255c', '#e67700', '#2b8a3e'];
const AXIS_TEXT = '#495057';

function optionOf(history: KpiForecastHistoryView): EChartsCoreOption {
  const unit = history.unitOfMeasure;
  const last = history.points[history.points.length - 1];
  const series = history.targets.flatMap(({ period }, k) => {
    const color = COLORS[k % COLORS.length]!;
    const data = history.points.flatMap((p) => {
      const found = p.periods.find((x) => x.period === period);
      return found === undefined ? [] : [[p.at, found.forecast]];
    });
    const targets = history.points.flatMap((p) => {
      const found = p.periods.find((x) => x.period === period);
      return found === undefined ? [] : [[p.at, found.target]];
    });
    // The latest figure holds until now: the lines run on to the right edge.
    if (last !== undefined && data.length > 0) {
      const now = new Date().toISOString();
      data.push([now, data[data.length - 1]![1]!]);
      targets.push([now, targets[targets.length - 1]![1]!]);
    }
    return [
      {
        name: `${period} forecast`,
        type: 'line',
        step: 'end',
        data,
        symbolSize: 6,
        lineStyle: { color, width: 2 },
        itemStyle: { color },
      },
      {
        name: `${period} target`,
        type: 'line',
        step: 'end',
        data: targets,
        symbol: 'none',
        lineStyle: { color, type: 'dashed', width: 1 },
        itemStyle: { color },
      },
    ];
  });
  return {
    animation: false,
    grid: { left: 64, right: 16, top: 40, bottom: 32 },
    legend: { top: 0, textStyle: { color: AXIS_TEXT } },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: unknown) => (typeof v === 'number' ? formatValue(v, unit) : '—'),
    },
    xAxis: { type: 'time', axisLabel: { color: AXIS_TEXT } },
    yAxis: {
      type: 'value',
      axisLabel: { color: AXIS_TEXT, formatter: (v: number) => formatCompact(v, unit) },
    },
    series,
  };
}

/** What the chart shows, in words (its accessible name). */
function describe(history: KpiForecastHistoryView): string {
  const parts = history.targets.map(({ period, target }) => {
    const values = history.points.flatMap((p) =>
      p.periods.filter((x) => x.period === period).map((x) => x.forecast),
    );
    if (values.length === 0) return `${period}: no forecast`;
    return `${period}: forecast moved from ${formatValue(values[0], history.unitOfMeasure)} to ${formatValue(values[values.length - 1], history.unitOfMeasure)} against a target of ${formatValue(target, history.unitOfMeasure)}`;
  });
  return `How the forecast of ${history.name} moved over time. ${parts.join('; ')}.`;
}

/**
 * A KPI's forecast history against its target: the forecast for each target period after every
 * write of the plan or the work that moved it (recomputed from the history by the server).
 */
export function KpiForecastHistory({ kpiId }: { kpiId: string }) {
  const loaded = useApi<KpiForecastHistoryView>(`${apiPath('kpis', kpiId)}/forecast-history`);
  const history = loaded.data;
  const option = useMemo(() => (history === null ? null : optionOf(history)), [history]);
  return (
    <Card component="section" aria-labelledby="kpi-forecast-history-title">
      <Stack gap="sm" data-testid="kpi-forecast-history">
        <Title order={2} id="kpi-forecast-history-title" className="section-title">
          How the forecast moved
        </Title>
        <Text size="sm" c="dimmed">
          Solid: the forecast for each target period as the engine derived it after each change to
          the plan or the work. Dashed: the target.
        </Text>
        {loaded.status === 'error' && history === null && (
          <Text size="sm" c="red" role="alert">
            {loaded.error.message}
          </Text>
        )}
        {history === null || option === null ? (
          loaded.status === 'error' ? null : (
            <Skeleton height={280} />
          )
        ) : (
          <>
            <Suspense fallback={<Skeleton height={280} />}>
              <EChart
                option={option}
                height={280}
                label={describe(history)}
                testId="kpi-forecast-history-chart"
              />
            </Suspense>
            <Table fz="sm" striped data-testid="kpi-forecast-history-table">
              <Table.Caption>
                {history.points.length} move(s) over {history.writes} write(s)
                {history.truncated ? ' (the latest ones recomputed)' : ''}
              </Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Known at</Table.Th>
                  <Table.Th>Change</Table.Th>
                  {history.targets.map((t) => (
                    <Table.Th key={t.period} ta="right">
                      {t.period}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {history.points
                  .slice(-8)
                  .reverse()
                  .map((p) => (
                    <Table.Tr key={p.at}>
                      <Table.Td>{formatInstant(p.at)}</Table.Td>
                      <Table.Td>{p.cause}</Table.Td>
                      {history.targets.map((t) => {
                        const found = p.periods.find((x) => x.period === t.period);
                        return (
                          <Table.Td key={t.period} ta="right">
                            {found === undefined
                              ? '—'
                              : formatValue(found.forecast, history.unitOfMeasure)}
                          </Table.Td>
                        );
                      })}
                    </Table.Tr>
                  ))}
              </Table.Tbody>
            </Table>
          </>
        )}
      </Stack>
    </Card>
  );
}
