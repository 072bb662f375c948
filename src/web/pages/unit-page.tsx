import { Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import { apiPath } from '../api/client.ts';
import type { CapacityView, Explained, UnitEntity, UnitLoad } from '../api/types.ts';
import { DemandTable } from '../components/demand-table.tsx';
import { Explanation } from '../components/explanation.tsx';
import { Failed, Loading, Page } from '../components/page.tsx';
import { SignalCard } from '../components/signal-card.tsx';
import { isOverCapacity, UnitWeekTable } from '../components/unit-week-table.tsx';
import { count, formatAmount } from '../format/format.ts';
import { useLive } from '../live/live-context.tsx';
import { useApi } from '../live/use-api.ts';
import { useLabels } from '../live/use-state-index.ts';

function Figure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Card>
      <Text size="xs" c="dimmed" fw={700} tt="uppercase">
        {label}
      </Text>
      <Text fw={650} fz="lg" component="div">
        {children}
      </Text>
    </Card>
  );
}

/** A unit: its capacity, its load week by week, its over-allocations, and why. */
export function UnitPage() {
  const { id = '' } = useParams();
  const live = useLive();
  const explained = useApi<Explained<UnitEntity, UnitLoad>>(
    apiPath('units', id),
    live.capacityVersion,
  );
  const capacity = useApi<CapacityView>('/api/v1/capacity', live.capacityVersion);
  const labels = useLabels();
  if (explained.status === 'error' && explained.data === null) {
    return <Failed error={explained.error} />;
  }
  if (explained.data === null) return <Loading />;
  const unit = explained.data.entity;
  const load = explained.data.derived;
  const measure = capacity.data?.measure ?? '';
  const demands = (capacity.data?.demands ?? []).filter((d) => d.unit === id);
  const overWeeks = (load?.weeks ?? []).filter((w) => isOverCapacity(w.load, w.capacity));
  const periods = Object.entries(unit.capacity?.periods ?? {});
  const signals = (live.signals ?? []).filter(
    (s) => s.subject.kind === 'unit' && s.subject.id === id,
  );
  return (
    <Page
      title={unit.name === unit.id ? unit.id : `${unit.name} (${unit.id})`}
      documentTitle={`Unit ${unit.id}`}
      eyebrow={`Unit · ${unit.id}`}
      crumbs={[
        { label: 'Strategy map', to: '/' },
        { label: 'Capacity', to: '/capacity' },
      ]}
      testId="unit-page"
    >
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
        <Figure label="Capacity a week">
          {unit.capacity === undefined
            ? 'none declared'
            : `${formatAmount(unit.capacity.perWeek)} ${measure}`.trim()}
          {periods.length > 0 && (
            <Text size="sm" c="dimmed" fw={400}>
              {periods.map(([period, value]) => `${formatAmount(value)} in ${period}`).join('; ')}
            </Text>
          )}
        </Figure>
        <Figure label="Demands on it">{count(demands.length, 'demand')}</Figure>
        <Figure label="Weeks over capacity">
          <span data-testid="unit-over-weeks">
            {overWeeks.length === 0 ? 'none' : count(overWeeks.length, 'week')}
          </span>
        </Figure>
      </SimpleGrid>
      <Card component="section" aria-labelledby="unit-why">
        <Stack gap="xs">
          <Title order={2} id="unit-why" className="section-title">
            Why
          </Title>
          <Explanation steps={explained.data.explanation} label={`Why: ${unit.id}`} />
        </Stack>
      </Card>
      <Card component="section" aria-labelledby="unit-weeks" padding="sm">
        <Stack gap="xs">
          <Title order={2} id="unit-weeks" className="section-title" px="sm" pt="xs">
            Week by week
          </Title>
          {load === null ? (
            <Text size="sm" c="dimmed" px="sm" pb="xs">
              {unit.id} has no week to show: it declares no capacity and no demand takes from it.
            </Text>
          ) : (
            <UnitWeekTable unit={unit.id} weeks={load.weeks} measure={measure} />
          )}
          {demands.length > 0 && (
            <DemandTable
              demands={demands}
              measure={measure}
              withUnit={false}
              caption={`Demands on ${unit.id}`}
            />
          )}
        </Stack>
      </Card>
      {signals.length > 0 && (
        <Stack gap="sm" component="section" aria-labelledby="unit-signals">
          <Title order={2} id="unit-signals" className="section-title">
            Signals about {unit.id}
          </Title>
          {signals.map((s) => (
            <SignalCard key={s.id} signal={s} nameOf={labels.nameOf} unitOf={labels.unitOf} />
          ))}
        </Stack>
      )}
    </Page>
  );
}
