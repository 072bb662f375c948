import { Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import { useParams } from 'react-router-dom';
import type { MilestoneDriver } from '../../core/domain/state.ts';
import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import { EntityLink } from '../components/entity-link.tsx';
import { MoneyPanel } from '../components/money-panel.tsx';
import { ValuePanel } from '../components/value-panel.tsx';
import { BudgetChart } from '../components/lazy-charts.tsx';
import {
  edgeKey,
  MilestoneTimeline,
  type TimelineMilestone,
} from '../components/milestone-timeline.tsx';
import { Loading, Page } from '../components/page.tsx';
import { StageGate } from '../components/stage-gate.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { formatDate, formatSigned, formatValue } from '../format/format.ts';
import { useLive } from '../live/live-context.tsx';
import { useApi } from '../live/use-api.ts';
import { useKnownAtIndex } from '../api/known-at.ts';
import { KnownAtControl } from '../components/known-at-control.tsx';
import { useMilestoneDrivers } from '../live/use-milestone-drivers.ts';
import { useStateIndex } from '../live/use-state-index.ts';

/** The dependencies and work items that set the forecasts of these milestones, followed upstream. */
function drivingChain(start: readonly string[], drivers: ReadonlyMap<string, MilestoneDriver>) {
  const edges = new Set<string>();
  const workItems = new Set<string>();
  const seen = new Set<string>();
  const walk = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    const driver = drivers.get(id);
    if (driver?.kind === 'dependency') {
      edges.add(edgeKey(driver.predecessor, id));
      walk(driver.predecessor);
    } else if (driver?.kind === 'work_item') {
      workItems.add(driver.key);
    }
  };
  start.forEach(walk);
  return { edges, workItems };
}

function describeDriver(driver: MilestoneDriver | undefined) {
  if (driver === undefined) return '…';
  if (driver.kind === 'plan') return 'its planned date';
  if (driver.kind === 'work_item') {
    return (
      <>
        work item <EntityLink kind="work_item" id={driver.key} />
      </>
    );
  }
  return (
    <>
      <EntityLink kind="milestone" id={driver.predecessor} /> ({driver.type}{' '}
      {driver.lagDays >= 0 ? '+' : ''}
      {driver.lagDays} wd)
    </>
  );
}

/** An initiative: milestone timeline with the driving chain, linked work, budget, owners. */
export function InitiativePage() {
  const { id = '' } = useParams();
  const index = useKnownAtIndex(useStateIndex());
  const live = useLive();
  const plan = useApi<PlanFile>('/api/v1/plan');
  const found = index?.initiatives.get(id);
  const own = useMemo(() => found?.initiative.milestones.map((m) => m.id) ?? [], [found]);
  const dependencies = useMemo(
    () =>
      plan.data === null
        ? null
        : (plan.data.dependencies ?? []).map((d) => ({
            predecessor: d.predecessor,
            successor: d.successor,
            type: d.type ?? 'FS',
            lagDays: d.lagDays ?? 0,
          })),
    [plan.data],
  );
  const drivers = useMilestoneDrivers(own, dependencies);
  if (index === null || found === undefined) return <Loading />;
  const { initiative, objectives } = found;
  const planInitiative = plan.data?.initiatives?.find((i) => i.id === id);
  const currency = planInitiative?.currency ?? plan.data?.organisation.currency ?? 'USD';
  const budget = Object.entries(planInitiative?.budget ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([period, line]) => ({
      period,
      plan: line.plan,
      committed: line.committed ?? null,
      actual: line.actual ?? null,
    }));
  const totals = budget.reduce(
    (t, b) => ({
      plan: t.plan + b.plan,
      committed: t.committed + (b.committed ?? 0),
      actual: t.actual + (b.actual ?? 0),
    }),
    { plan: 0, committed: 0, actual: 0 },
  );
  const people = new Map((plan.data?.people ?? []).map((p) => [p.id, p]));
  const critical =
    drivers === null
      ? { edges: new Set<string>(), workItems: new Set<string>() }
      : drivingChain(own, drivers);

  // This initiative's milestones, what they wait on upstream (the driving chain), and who waits on them.
  const rowIds: string[] = [];
  const add = (mid: string) => {
    if (!rowIds.includes(mid) && index.milestones.has(mid)) rowIds.push(mid);
  };
  const upstream = new Set<string>();
  for (const e of critical.edges) upstream.add(e.split('->')[0] ?? '');
  for (const d of dependencies ?? []) if (own.includes(d.successor)) upstream.add(d.predecessor);
  [...upstream].filter((m) => !own.includes(m)).forEach(add);
  own.forEach(add);
  for (const d of dependencies ?? []) if (own.includes(d.predecessor)) add(d.successor);
  const rows: TimelineMilestone[] = rowIds.flatMap((mid) => {
    const entry = index.milestones.get(mid);
    if (entry === undefined) return [];
    return [
      {
        milestone: entry.milestone,
        foreign: entry.initiative.id === id ? null : entry.initiative.name,
      },
    ];
  });
  const workRows = initiative.milestones.flatMap((m) =>
    m.workItems.map((w) => ({ milestone: m, item: w })),
  );
  const ownerOf = (milestoneId: string) => {
    const planned = plan.data?.milestones?.find((m) => m.id === milestoneId);
    const ownerId = planned?.owner ?? planInitiative?.owner;
    return ownerId === undefined ? '—' : (people.get(ownerId)?.name ?? ownerId);
  };
  return (
    <Page
      title={initiative.name}
      documentTitle={initiative.name}
      eyebrow={`Initiative · ${initiative.id} · ${initiative.unit}`}
      crumbs={[{ label: 'Strategy map', to: '/' }]}
      relations={[
        {
          label: 'Serves',
          links: objectives.map((o) => ({
            label: o.name,
            to: `/objectives/${encodeURIComponent(o.id)}`,
          })),
        },
      ]}
      actions={
        <Group gap="xs">
          <StatusBadge status={initiative.delivery} prefix="Delivery" size="lg" />
          <StatusBadge status={initiative.value} prefix="Value" size="lg" />
        </Group>
      }
      testId="initiative-page"
    >
      <StageGate id={initiative.id} />
      <KnownAtControl />
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
        <Card>
          <Text size="xs" c="dimmed" fw={700} tt="uppercase">
            Owner
          </Text>
          <Text fw={600}>{initiative.owner?.name ?? '—'}</Text>
          <Text size="sm" c="dimmed">
            {initiative.unit}
          </Text>
        </Card>
        <Card>
          <Text size="xs" c="dimmed" fw={700} tt="uppercase">
            Delivery
          </Text>
          <Text size="sm">{initiative.delivery?.reason ?? '—'}</Text>
        </Card>
        <Card>
          <Text size="xs" c="dimmed" fw={700} tt="uppercase">
            Value
          </Text>
          <Text size="sm">{initiative.value?.reason ?? '—'}</Text>
        </Card>
      </SimpleGrid>
      <Card component="section" aria-labelledby="timeline-heading">
        <Stack gap="sm">
          <Group justify="space-between" align="flex-end">
            <Title order={2} id="timeline-heading" className="section-title">
              Milestones: plan against forecast
            </Title>
            <Group gap="md" className="timeline-legend" aria-hidden="true">
              <Text size="xs">◇ planned</Text>
              <Text size="xs">◆ forecast</Text>
              <Text size="xs">● work item finish</Text>
              <Text size="xs" c="red.8" fw={700}>
                ━ driving chain (critical path)
              </Text>
            </Group>
          </Group>
          {live.state === null || plan.data === null ? (
            <Loading />
          ) : (
            <MilestoneTimeline
              rows={rows}
              dependencies={dependencies ?? []}
              drivers={drivers ?? new Map()}
              asOf={live.state.asOf}
              critical={critical}
            />
          )}
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing={6} data-testid="milestone-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Milestone</Table.Th>
                  <Table.Th scope="col">Planned</Table.Th>
                  <Table.Th scope="col">Forecast</Table.Th>
                  <Table.Th scope="col">Slip</Table.Th>
                  <Table.Th scope="col">Set by</Table.Th>
                  <Table.Th scope="col">Owner</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {initiative.milestones.map((m) => (
                  <Table.Tr key={m.id} className={live.changed.has(m.id) ? 'changed' : undefined}>
                    <Table.Td>
                      <EntityLink kind="milestone" id={m.id} fw={600} />
                      <Text size="xs" c="dimmed">
                        {m.name}
                      </Text>
                    </Table.Td>
                    <Table.Td>{formatDate(m.plannedDate)}</Table.Td>
                    <Table.Td fw={600}>{formatDate(m.forecastDate)}</Table.Td>
                    <Table.Td
                      c={m.slipWorkingDays > 0 ? 'red.9' : undefined}
                      fw={m.slipWorkingDays > 0 ? 700 : 400}
                    >
                      {m.slipWorkingDays > 0 ? `+${m.slipWorkingDays} working days` : 'on plan'}
                    </Table.Td>
                    <Table.Td>{describeDriver(drivers?.get(m.id))}</Table.Td>
                    <Table.Td>{ownerOf(m.id)}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={m.status} size="sm" />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      </Card>
      <MoneyPanel scope="initiative" id={initiative.id} />
      <ValuePanel initiative={initiative.id} />
      <Card component="section" aria-labelledby="work-heading" padding="sm">
        <Title order={2} id="work-heading" className="section-title" px="sm" pt="xs">
          Linked work
        </Title>
        {workRows.length === 0 ? (
          <Text size="sm" c="dimmed" p="sm">
            No work item is linked to these milestones: they forecast at their planned dates, or as
            their dependencies allow.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing={6} data-testid="work-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Work item</Table.Th>
                  <Table.Th scope="col">Milestone</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                  <Table.Th scope="col">Due</Table.Th>
                  <Table.Th scope="col">Forecast finish</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {workRows.map(({ milestone, item }) => (
                  <Table.Tr key={`${milestone.id}:${item.key}`}>
                    <Table.Td>
                      <EntityLink kind="work_item" id={item.key} fw={600} />
                      {critical.workItems.has(item.key) && (
                        <Text span size="xs" c="red.8" fw={700}>
                          {' '}
                          drives {milestone.id}
                        </Text>
                      )}
                      <Text size="xs" c="dimmed">
                        {item.summary}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <EntityLink kind="milestone" id={milestone.id} />
                    </Table.Td>
                    <Table.Td>{item.status}</Table.Td>
                    <Table.Td>{formatDate(item.dueDate)}</Table.Td>
                    <Table.Td>{formatDate(item.forecastFinish)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      <Card component="section" aria-labelledby="budget-heading">
        <Stack gap="sm">
          <Title order={2} id="budget-heading" className="section-title">
            Budget: plan against actual
          </Title>
          {budget.length === 0 ? (
            <Text size="sm" c="dimmed">
              {plan.data === null ? 'Loading…' : 'No budget is planned for this initiative.'}
            </Text>
          ) : (
            <>
              <BudgetChart periods={budget} currency={currency} />
              <Table.ScrollContainer minWidth={560}>
                <Table verticalSpacing={6} striped data-testid="budget-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Period</Table.Th>
                      <Table.Th scope="col" ta="right">
                        Plan
                      </Table.Th>
                      <Table.Th scope="col" ta="right">
                        Committed
                      </Table.Th>
                      <Table.Th scope="col" ta="right">
                        Actual
                      </Table.Th>
                      <Table.Th scope="col" ta="right">
                        Actual against plan
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {budget.map((b) => (
                      <Table.Tr key={b.period}>
                        <Table.Th scope="row">{b.period}</Table.Th>
                        <Table.Td ta="right">{formatValue(b.plan, currency)}</Table.Td>
                        <Table.Td ta="right">{formatValue(b.committed, currency)}</Table.Td>
                        <Table.Td ta="right">{formatValue(b.actual, currency)}</Table.Td>
                        <Table.Td
                          ta="right"
                          c={b.actual !== null && b.actual > b.plan ? 'red.9' : undefined}
                        >
                          {b.actual === null ? '—' : formatSigned(b.actual - b.plan, currency)}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                  <Table.Tfoot>
                    <Table.Tr>
                      <Table.Th scope="row">Total</Table.Th>
                      <Table.Th ta="right">{formatValue(totals.plan, currency)}</Table.Th>
                      <Table.Th ta="right">{formatValue(totals.committed, currency)}</Table.Th>
                      <Table.Th ta="right">{formatValue(totals.actual, currency)}</Table.Th>
                      <Table.Td />
                    </Table.Tr>
                  </Table.Tfoot>
                </Table>
              </Table.ScrollContainer>
            </>
          )}
        </Stack>
      </Card>
    </Page>
  );
}
