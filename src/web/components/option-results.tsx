import { Badge, Card, Group, List, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ScenarioChange, ScenarioResult } from '../api/decision-types.ts';
import { formatDate, formatValue } from '../format/format.ts';
import type { StateIndex } from '../live/state-index.ts';
import { useStateIndex } from '../live/use-state-index.ts';
import { changeInWords, type EntityNames } from './decision-parts.tsx';
import { ComparedKpiChart } from './lazy-charts.tsx';
import type { ComparedKpi } from './option-charts.tsx';

/**
 * What a priced scenario does, shown the same way for a decision's options and for the
 * scenarios of the builder: a column each, a table of cost and dates side by side against now,
 * and a chart per KPI the options move.
 */

/** One option or scenario as the comparison shows it. */
export interface ComparedColumn {
  /** `2. Add IT capacity` or the scenario's name. */
  title: string;
  /** What its bar in a chart says on top of itself: `2`, `A`. */
  short: string;
  /** What a chart's legend calls it: `Option 2`, `Scenario A`. */
  legend: string;
  changes: readonly ScenarioChange[];
  result: ScenarioResult;
}

/** `before → after`, or the one value when it did not change. */
export function moved(before: string, after: string): string {
  return before === after ? before : `${before} → ${after}`;
}

/** One option or scenario: what it changes and what it does to dates, KPIs, money, capacity. */
export function ResultColumn({
  column,
  testId,
  names,
  unitOf,
  meta,
  badge,
  moves,
  className,
}: {
  column: ComparedColumn;
  testId: string;
  names: EntityNames;
  unitOf: (kpi: string) => string;
  /** A line under the title (kinds, who proposed it, until when it is possible). */
  meta?: ReactNode;
  /** A badge beside the title (`Chosen`). */
  badge?: ReactNode;
  /** The money a decision's option moves, when it is one. */
  moves?: number;
  className?: string;
}) {
  const { result } = column;
  const currency = result.totals.currency;
  const dates = result.milestones.filter(
    (m) =>
      m.plannedDate.before !== m.plannedDate.after ||
      m.forecastDate.before !== m.forecastDate.after,
  );
  const kpis = result.kpis.filter(
    (k) => k.forecast.before !== k.forecast.after || k.target.before !== k.target.after,
  );
  const capacity = result.capacity.filter(
    (c) =>
      c.peakPercent.before !== c.peakPercent.after ||
      c.overAllocatedWeeks.before.length !== c.overAllocatedWeeks.after.length,
  );
  const headingId = `${testId}-title`;
  return (
    <Card
      component="section"
      aria-labelledby={headingId}
      padding="md"
      withBorder
      data-testid={testId}
      className={className}
    >
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" gap="xs">
          <Title order={3} id={headingId} className="card-title" fz="md">
            {column.title}
          </Title>
          {badge}
        </Group>
        {meta}
        <List size="sm" spacing={4} data-testid="option-changes">
          {column.changes.map((c, k) => (
            <List.Item key={k}>{changeInWords(c, names)}</List.Item>
          ))}
          {column.changes.length === 0 && <List.Item>No change: the plan as it is.</List.Item>}
        </List>
        <Text size="sm" fw={600}>
          Money
        </Text>
        <Text size="sm" data-testid="option-money">
          {moves !== undefined && `Moves ${formatValue(moves, currency)}; `}
          {moves === undefined ? 'Cost' : 'cost'}{' '}
          {formatValue(result.totals.scenarioCost, currency)}; budget plan{' '}
          {moved(
            formatValue(result.totals.budgetPlan.before, currency),
            formatValue(result.totals.budgetPlan.after, currency),
          )}
          ; short of target{' '}
          {moved(
            formatValue(result.totals.moneyAtStake.againstTarget.before, currency),
            formatValue(result.totals.moneyAtStake.againstTarget.after, currency),
          )}
          .
        </Text>
        <Text size="sm" fw={600}>
          Milestones
        </Text>
        {dates.length === 0 ? (
          <Text size="sm" c="dimmed">
            No date moves.
          </Text>
        ) : (
          <Table fz="sm" withRowBorders={false} data-testid="option-milestones">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Milestone</Table.Th>
                <Table.Th scope="col">Plan</Table.Th>
                <Table.Th scope="col">Forecast</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {dates.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td>{names.entity(m.id)}</Table.Td>
                  <Table.Td>
                    {moved(formatDate(m.plannedDate.before), formatDate(m.plannedDate.after))}
                  </Table.Td>
                  <Table.Td>
                    {moved(formatDate(m.forecastDate.before), formatDate(m.forecastDate.after))}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Text size="sm" fw={600}>
          KPI forecast against target
        </Text>
        {kpis.length === 0 ? (
          <Text size="sm" c="dimmed">
            No KPI forecast changes.
          </Text>
        ) : (
          <Table fz="sm" withRowBorders={false} data-testid="option-kpis">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">KPI, period</Table.Th>
                <Table.Th scope="col">Forecast</Table.Th>
                <Table.Th scope="col">Target</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {kpis.map((k) => (
                <Table.Tr key={`${k.kpi} ${k.period}`}>
                  <Table.Td>
                    {names.entity(k.kpi)} {k.period}
                  </Table.Td>
                  <Table.Td>
                    {moved(
                      formatValue(k.forecast.before, unitOf(k.kpi)),
                      formatValue(k.forecast.after, unitOf(k.kpi)),
                    )}
                  </Table.Td>
                  <Table.Td>{formatValue(k.target.after, unitOf(k.kpi))}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Text size="sm" fw={600}>
          Capacity
        </Text>
        {capacity.length === 0 ? (
          <Text size="sm" c="dimmed">
            No capacity change.
          </Text>
        ) : (
          <List size="sm" spacing={4} data-testid="option-capacity">
            {capacity.map((c) => (
              <List.Item key={c.unit}>
                {c.unit}: peak{' '}
                {moved(`${c.peakPercent.before ?? '—'}%`, `${c.peakPercent.after ?? '—'}%`)},
                over-allocated weeks {c.overAllocatedWeeks.before.length} →{' '}
                {c.overAllocatedWeeks.after.length}
              </List.Item>
            ))}
          </List>
        )}
        <Text size="sm" data-testid="option-signals">
          Signals resolved {result.signals.resolved.length}, raised {result.signals.raised.length}.
        </Text>
      </Stack>
    </Card>
  );
}

/** A "Chosen" badge in colours that keep their contrast. */
export function ChosenBadge() {
  return (
    <Badge
      radius="sm"
      styles={{ root: { textTransform: 'none', color: '#0b5e3c', backgroundColor: '#e6fcf5' } }}
    >
      Chosen
    </Badge>
  );
}

/** A milestone date in a cell: the forecast, and the plan where the column moves it. */
function milestoneCell(
  forecast: string | null,
  planned: string | null,
  plannedNow: string | null,
): string {
  if (forecast === null) return 'dropped';
  const plan = planned !== plannedNow && planned !== null ? ` (plan ${formatDate(planned)})` : '';
  return `${formatDate(forecast)}${plan}`;
}

/**
 * Cost, money and milestone dates of every column side by side, against doing nothing: the
 * columns' `before` is now (each was priced against the state of its time).
 */
export function ComparisonTable({
  columns,
  names,
  caption,
}: {
  columns: readonly ComparedColumn[];
  names: EntityNames;
  caption: string;
}) {
  const first = columns[0];
  if (first === undefined) return null;
  const currency = first.result.totals.currency;
  const money = (value: number) => formatValue(value, currency);
  const milestoneIds = [...new Set(columns.flatMap((c) => c.result.milestones.map((m) => m.id)))];
  const rows: { key: string; label: string; now: string; values: string[] }[] = [
    {
      key: 'cost',
      label: 'Cost',
      now: money(0),
      values: columns.map((c) => money(c.result.totals.scenarioCost)),
    },
    {
      key: 'target',
      label: 'Money short of target',
      now: money(first.result.totals.moneyAtStake.againstTarget.before),
      values: columns.map((c) => money(c.result.totals.moneyAtStake.againstTarget.after)),
    },
    {
      key: 'plan',
      label: 'Money short of plan',
      now: money(first.result.totals.moneyAtStake.againstPlan.before),
      values: columns.map((c) => money(c.result.totals.moneyAtStake.againstPlan.after)),
    },
    {
      key: 'budget',
      label: 'Budget plan',
      now: money(first.result.totals.budgetPlan.before),
      values: columns.map((c) => money(c.result.totals.budgetPlan.after)),
    },
    {
      key: 'signals',
      label: 'Open signals',
      now: String(first.result.totals.signals.before),
      values: columns.map((c) => String(c.result.totals.signals.after)),
    },
  ];
  for (const id of milestoneIds) {
    const listed = columns
      .map((c) => c.result.milestones.find((m) => m.id === id))
      .find((m) => m !== undefined);
    if (listed === undefined) continue;
    const nowForecast = listed.forecastDate.before;
    const nowPlan = listed.plannedDate.before;
    rows.push({
      key: `milestone:${id}`,
      label: `${names.entity(id)} forecast`,
      now: milestoneCell(nowForecast, nowPlan, nowPlan),
      values: columns.map((c) => {
        const m = c.result.milestones.find((x) => x.id === id);
        return m === undefined
          ? milestoneCell(nowForecast, nowPlan, nowPlan)
          : milestoneCell(m.forecastDate.after, m.plannedDate.after, nowPlan);
      }),
    });
  }
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table fz="sm" striped data-testid="comparison-table" captionSide="top">
        <Table.Caption className="visually-hidden">{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Figure</Table.Th>
            <Table.Th scope="col">Now (do nothing)</Table.Th>
            {columns.map((c, k) => (
              <Table.Th scope="col" key={k}>
                {c.title}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.key} data-row={row.key}>
              <Table.Th scope="row" fw={500}>
                {row.label}
              </Table.Th>
              <Table.Td>{row.now}</Table.Td>
              {row.values.map((v, k) => (
                <Table.Td key={k}>{v}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * Each KPI a column moves: its forecast per period doing nothing and with each column, against
 * the target. Periods are the ones the live view forecasts plus any a column changes; a period
 * no column changes shows the live forecast in every series.
 */
export function comparedKpis(
  columns: readonly ComparedColumn[],
  index: StateIndex | null,
  names: EntityNames,
): ComparedKpi[] {
  const kpiIds = [
    ...new Set(
      columns.flatMap((c) =>
        c.result.kpis.filter((k) => k.forecast.before !== k.forecast.after).map((k) => k.kpi),
      ),
    ),
  ];
  return kpiIds.map((kpi) => {
    const live = index?.kpis.get(kpi)?.kpi;
    const changed = columns.flatMap((c) => c.result.kpis.filter((k) => k.kpi === kpi));
    const livePeriods = (live?.periods ?? []).filter((p) => p.actual === null);
    const periods = [
      ...livePeriods.map((p) => p.period),
      ...[...new Set(changed.map((k) => k.period))]
        .filter((p) => !livePeriods.some((l) => l.period === p))
        .sort(),
    ];
    const nowOf = (period: string): { forecast: number | null; target: number | null } => {
      const entry = changed.find((k) => k.period === period);
      if (entry !== undefined)
        return { forecast: entry.forecast.before, target: entry.target.before };
      const p = livePeriods.find((l) => l.period === period);
      return { forecast: p?.forecast ?? null, target: p?.target ?? null };
    };
    return {
      kpi,
      name: names.entity(kpi),
      unitOfMeasure: live?.unitOfMeasure ?? '',
      periods,
      targets: periods.map((p) => nowOf(p).target),
      series: [
        {
          label: 'Now (do nothing)',
          legend: 'Now (do nothing)',
          short: 'Now',
          values: periods.map((p) => nowOf(p).forecast),
        },
        ...columns.map((c) => ({
          label: c.title,
          legend: c.legend,
          short: c.short,
          values: periods.map(
            (p) =>
              c.result.kpis.find((k) => k.kpi === kpi && k.period === p)?.forecast.after ??
              nowOf(p).forecast,
          ),
        })),
      ],
    };
  });
}

/** The chart of one KPI, and beside it the same figures as a table (for everyone, not colour). */
function ComparedKpiCard({ data, direction }: { data: ComparedKpi; direction: string | null }) {
  const unit = data.unitOfMeasure;
  const headingId = `compared-kpi-${data.kpi}-title`;
  const gapText = (value: number | null, target: number | null): string => {
    if (value === null || target === null) return '';
    const gap = direction === 'lower_is_better' ? target - value : value - target;
    if (Math.abs(gap) < 0.5) return ', on target';
    return gap < 0
      ? `, ${formatValue(-gap, unit)} short of target`
      : `, ${formatValue(gap, unit)} better than target`;
  };
  return (
    <Card
      component="section"
      aria-labelledby={headingId}
      padding="md"
      withBorder
      data-testid={`compared-kpi-${data.kpi}`}
    >
      <Stack gap="sm">
        <Title order={3} id={headingId} className="card-title" fz="md">
          {data.name}: forecast against target
        </Title>
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
          <ComparedKpiChart data={data} />
          <Table fz="sm" data-testid="compared-kpi-table" captionSide="top">
            <Table.Caption className="visually-hidden">
              {data.name}: forecast per period, doing nothing and with each option, against target
            </Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Forecast</Table.Th>
                {data.periods.map((p) => (
                  <Table.Th scope="col" key={p}>
                    {p}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              <Table.Tr data-series="target">
                <Table.Th scope="row" fw={500}>
                  Target
                </Table.Th>
                {data.targets.map((t, p) => (
                  <Table.Td key={p}>{formatValue(t, unit)}</Table.Td>
                ))}
              </Table.Tr>
              {data.series.map((s) => (
                <Table.Tr key={s.label} data-series={s.short}>
                  <Table.Th scope="row" fw={500}>
                    {s.label}
                  </Table.Th>
                  {s.values.map((v, p) => (
                    <Table.Td key={p}>
                      {formatValue(v, unit)}
                      {gapText(v, data.targets[p] ?? null)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </SimpleGrid>
      </Stack>
    </Card>
  );
}

/** A chart (with its table) for each KPI the columns move; nothing when none moves one. */
export function KpiComparison({
  columns,
  names,
}: {
  columns: readonly ComparedColumn[];
  names: EntityNames;
}) {
  const index = useStateIndex();
  const kpis = comparedKpis(columns, index, names);
  if (kpis.length === 0) return null;
  return (
    <Stack gap="md" data-testid="kpi-comparison">
      {kpis.map((k) => (
        <ComparedKpiCard
          key={k.kpi}
          data={k}
          direction={index?.kpis.get(k.kpi)?.kpi.direction ?? null}
        />
      ))}
    </Stack>
  );
}
