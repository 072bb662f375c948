import { Card, Group, Stack, Text } from '@mantine/core';
import type { KpiPeriodForecast, KpiView } from '../api/types.ts';
import { formatValue } from '../format/format.ts';
import { ChangedValue, useBeforeIndex } from './changed-value.tsx';
import { EntityLink } from './entity-link.tsx';
import { KpiMiniChart } from './lazy-charts.tsx';
import { StatusBadge } from './status-badge.tsx';

const SEVERITY = { on_track: 0, at_risk: 1, off_track: 2 } as const;

/** The period a KPI card leads with: the worst one with a target, the latest among equals. */
export function headlinePeriod(kpi: KpiView): KpiPeriodForecast | null {
  let best: KpiPeriodForecast | null = null;
  for (const p of kpi.periods) {
    if (p.target === null) continue;
    if (best === null || SEVERITY[p.status.status] >= SEVERITY[best.status.status]) best = p;
  }
  return best ?? kpi.periods.at(-1) ?? null;
}

/** A KPI on the strategy map: status, the headline figure against target, the small chart. */
export function KpiCard({
  kpi,
  changed,
  headingLevel = 'h4',
}: {
  kpi: KpiView;
  changed: boolean;
  headingLevel?: 'h3' | 'h4' | 'h5';
}) {
  const headline = headlinePeriod(kpi);
  // The same period's figure before the latest live change, while it is highlighted.
  const before = useBeforeIndex()
    ?.kpis.get(kpi.id)
    ?.kpi.periods.find((p: KpiPeriodForecast) => p.period === headline?.period);
  const Heading = headingLevel;
  const status = kpi.status?.status ?? null;
  return (
    <Card
      padding="md"
      className={`kpi-card${changed ? ' changed' : ''}`}
      data-testid={`kpi-card-${kpi.id}`}
      data-status={status ?? undefined}
      component="section"
      aria-labelledby={`kpi-${kpi.id}-title`}
    >
      <Stack gap={6}>
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
          <Stack gap={0}>
            <Text size="xs" c="dimmed" fw={600}>
              KPI · {kpi.id}
            </Text>
            <Heading className="card-title" id={`kpi-${kpi.id}-title`}>
              <EntityLink kind="kpi" id={kpi.id} c="dark.8" underline="hover" fw={650}>
                {kpi.name}
              </EntityLink>
            </Heading>
          </Stack>
          <StatusBadge status={kpi.status} size="sm" />
        </Group>
        {headline !== null && (
          <Text size="sm" className="kpi-headline">
            <Text span fw={700}>
              {headline.period}
            </Text>{' '}
            {headline.actual !== null ? 'actual' : 'forecast'}{' '}
            <Text span fw={700} data-testid="kpi-forecast">
              <ChangedValue
                value={formatValue(headline.actual ?? headline.forecast, kpi.unitOfMeasure)}
                previous={
                  before !== undefined
                    ? formatValue(before.actual ?? before.forecast, kpi.unitOfMeasure)
                    : undefined
                }
              />
            </Text>
            {headline.target !== null && (
              <> vs target {formatValue(headline.target, kpi.unitOfMeasure)}</>
            )}
          </Text>
        )}
        {kpi.periods.length > 0 && <KpiMiniChart kpi={kpi} />}
        <Text size="xs" c="dimmed">
          Owner {kpi.owner?.name ?? '—'} ·{' '}
          {kpi.direction === 'higher_is_better' ? 'higher is better' : 'lower is better'}
        </Text>
      </Stack>
    </Card>
  );
}
