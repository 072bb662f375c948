import { Card, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import type { CapacityOverAllocation, CapacityView, LevelledMilestone } from '../api/types.ts';
import { DemandTable } from '../components/demand-table.tsx';
import { EntityLink } from '../components/entity-link.tsx';
import { AlertIcon, CheckIcon } from '../components/icons.tsx';
import { Failed, Loading, Page } from '../components/page.tsx';
import { UnitWeekTable } from '../components/unit-week-table.tsx';
import { count, formatAmount, formatDate } from '../format/format.ts';
import { useLive } from '../live/live-context.tsx';
import { useApi } from '../live/use-api.ts';
import { useStateIndex } from '../live/use-state-index.ts';

function OverAllocations({
  overAllocations,
  measure,
}: {
  overAllocations: CapacityOverAllocation[];
  measure: string;
}) {
  if (overAllocations.length === 0) {
    return (
      <Group gap={6} wrap="nowrap" data-testid="no-over-allocation">
        <CheckIcon size={16} />
        <Text size="sm">No unit is over capacity: every demand fits in its week as planned.</Text>
      </Group>
    );
  }
  return (
    <Stack gap="sm">
      {overAllocations.map((over) => (
        <Stack
          gap={4}
          key={over.id}
          className="over-allocation"
          data-testid="over-allocation"
          data-over-allocation={over.id}
        >
          <Group gap={6} wrap="nowrap" align="flex-start" className="over-capacity">
            <AlertIcon size={16} strokeWidth={2.4} />
            <Text size="sm" fw={650} c="inherit">
              {over.sentence}
            </Text>
          </Group>
          <Text size="xs" c="dimmed" pl={22}>
            Unit <EntityLink kind="unit" id={over.unit} size="xs" underline="always" /> · taken by{' '}
            {over.initiatives.map((taker, i) => (
              <span key={taker.id}>
                {i > 0 && ', '}
                <EntityLink kind="initiative" id={taker.id} size="xs" underline="always" /> (
                {formatAmount(taker.load)} {measure})
              </span>
            ))}
          </Text>
        </Stack>
      ))}
    </Stack>
  );
}

function LevelledMilestones({
  milestones,
  nameOf,
}: {
  milestones: LevelledMilestone[];
  nameOf: (id: string) => string | undefined;
}) {
  if (milestones.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="no-levelled-milestone">
        Levelled within every unit&apos;s capacity, no milestone moves: each keeps its forecast.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing={6} data-testid="levelled-milestones">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Milestone</Table.Th>
            <Table.Th scope="col">Without the bottleneck</Table.Th>
            <Table.Th scope="col">Levelled forecast</Table.Th>
            <Table.Th scope="col">Why</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {milestones.map((m) => (
            <Table.Tr key={m.id} data-milestone={m.id}>
              <Table.Th scope="row">
                <EntityLink kind="milestone" id={m.id} fw={650} />
                {nameOf(m.id) !== undefined && (
                  <Text size="xs" c="dimmed" fw={400}>
                    {nameOf(m.id)}
                  </Text>
                )}
              </Table.Th>
              <Table.Td className="nowrap">{formatDate(m.forecastDate)}</Table.Td>
              <Table.Td className="nowrap">
                <Text span size="sm" fw={650}>
                  {formatDate(m.levelledDate)}
                </Text>
                <Text size="xs" c="red.9" fw={600}>
                  +{count(m.workingDays, 'working day')}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{m.sentence}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * The resource bottleneck: each unit's weekly load against its capacity, where units are over
 * capacity and who takes it, and the milestones the levelled forecast moves; live.
 */
export function CapacityPage() {
  const { capacityVersion } = useLive();
  const capacity = useApi<CapacityView>('/api/v1/capacity', capacityVersion);
  const plan = useApi<PlanFile>('/api/v1/plan');
  const index = useStateIndex();
  if (capacity.status === 'error' && capacity.data === null) {
    return <Failed error={capacity.error} />;
  }
  if (capacity.data === null) return <Loading label="Loading capacity" />;
  const view = capacity.data;
  const unitName = (id: string): string | undefined =>
    plan.data?.units?.find((u) => u.id === id)?.name;
  const milestoneName = (id: string): string | undefined =>
    index?.milestones.get(id)?.milestone.name;
  const overUnits = new Set(view.overAllocations.map((o) => o.unit));
  return (
    <Page
      title="Capacity"
      documentTitle="Capacity"
      eyebrow={`Resource bottleneck · in ${view.measure} a week · as of ${formatDate(view.asOf)}`}
      testId="capacity-page"
    >
      <Text c="dimmed" size="sm" data-testid="capacity-summary">
        {view.overAllocations.length === 0
          ? `${count(view.units.length, 'unit')} with capacity or demands; none over capacity.`
          : `${count(overUnits.size, 'unit')} over capacity; the levelled forecast moves ${count(view.milestones.length, 'milestone')}.`}
      </Text>
      <Card component="section" aria-labelledby="capacity-over">
        <Stack gap="sm">
          <Title order={2} id="capacity-over" className="section-title">
            Over capacity
          </Title>
          <OverAllocations overAllocations={view.overAllocations} measure={view.measure} />
        </Stack>
      </Card>
      <Card component="section" aria-labelledby="capacity-levelled" padding="sm">
        <Stack gap="xs">
          <Title order={2} id="capacity-levelled" className="section-title" px="sm" pt="xs">
            Milestones the levelled forecast moves
          </Title>
          <Text size="xs" c="dimmed" px="sm">
            Levelling delays demands until each unit takes on no more than its capacity; a milestone
            moves when the work it waits for does.
          </Text>
          <LevelledMilestones milestones={view.milestones} nameOf={milestoneName} />
        </Stack>
      </Card>
      {view.units.length === 0 && (
        <Card>
          <Text size="sm">No unit declares a capacity and no demand takes from one.</Text>
        </Card>
      )}
      {view.units.map((load) => {
        const name = unitName(load.unit);
        const demands = view.demands.filter((d) => d.unit === load.unit);
        return (
          <Card
            component="section"
            aria-labelledby={`unit-${load.unit}`}
            padding="sm"
            key={load.unit}
            data-testid={`capacity-unit-${load.unit}`}
          >
            <Stack gap="xs">
              <Group gap="xs" px="sm" pt="xs" justify="space-between">
                <Title order={2} id={`unit-${load.unit}`} className="section-title">
                  <EntityLink kind="unit" id={load.unit} fw="inherit">
                    {name === undefined || name === load.unit
                      ? load.unit
                      : `${name} (${load.unit})`}
                  </EntityLink>
                </Title>
                {overUnits.has(load.unit) ? (
                  <Group gap={4} className="over-capacity" wrap="nowrap">
                    <AlertIcon size={14} strokeWidth={2.4} />
                    <Text size="sm" fw={650} c="inherit">
                      Over capacity
                    </Text>
                  </Group>
                ) : (
                  <Group gap={4} wrap="nowrap">
                    <CheckIcon size={14} />
                    <Text size="sm">Within capacity</Text>
                  </Group>
                )}
              </Group>
              <UnitWeekTable unit={load.unit} weeks={load.weeks} measure={view.measure} />
              {demands.length > 0 && (
                <DemandTable
                  demands={demands}
                  measure={view.measure}
                  withUnit={false}
                  caption={`Demands on ${load.unit}`}
                />
              )}
            </Stack>
          </Card>
        );
      })}
      <Card component="section" aria-labelledby="capacity-idle">
        <Stack gap="xs">
          <Title order={2} id="capacity-idle" className="section-title">
            Demands that take nothing
          </Title>
          {view.idle.length === 0 ? (
            <Text size="sm" c="dimmed" data-testid="no-idle-demand">
              None: every demand of the plan takes capacity from the as-of week on.
            </Text>
          ) : (
            <List size="sm" spacing={4} data-testid="idle-demands">
              {view.idle.map((d) => (
                <List.Item key={d.id}>
                  <Text span fw={650} size="sm">
                    {d.id}
                  </Text>
                  : {d.reason}
                </List.Item>
              ))}
            </List>
          )}
        </Stack>
      </Card>
    </Page>
  );
}
