import { Anchor, Card, Group, List, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router-dom';
import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import { apiPath } from '../api/client.ts';
import type { Explained, MilestoneDerived } from '../api/types.ts';
import { EntityLink } from '../components/entity-link.tsx';
import { Explanation } from '../components/explanation.tsx';
import { AlertIcon } from '../components/icons.tsx';
import { Failed, Loading, Page } from '../components/page.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { count, formatDate } from '../format/format.ts';
import { useLive } from '../live/live-context.tsx';
import { useApi } from '../live/use-api.ts';
import { useStateIndex } from '../live/use-state-index.ts';

/** A milestone: plan against forecast, what sets the forecast, what it waits on, who waits on it. */
export function MilestonePage() {
  const { id = '' } = useParams();
  const index = useStateIndex();
  const { capacityVersion } = useLive();
  // The levelled date moves with the resource bottleneck, which the strategic view does not show.
  const explained = useApi<Explained<unknown, MilestoneDerived>>(
    apiPath('milestones', id),
    capacityVersion,
  );
  const plan = useApi<PlanFile>('/api/v1/plan');
  if (index === null) return <Loading />;
  const found = index.milestones.get(id);
  if (found === undefined) {
    return explained.status === 'error' ? <Failed error={explained.error} /> : <Loading />;
  }
  const { milestone: m, initiative } = found;
  const driver = explained.data?.derived?.driver;
  const steps = explained.data?.explanation ?? [];
  // Set when the levelled (resource-constrained) forecast moves this milestone.
  const levelled = steps.find((s) => s.rule === 'milestone.levelled');
  const bottleneck = steps.find((s) => s.rule === 'capacity.over_allocated');
  const upstream = (plan.data?.dependencies ?? []).filter((d) => d.successor === id);
  const downstream = (plan.data?.dependencies ?? []).filter((d) => d.predecessor === id);
  const benefits = (plan.data?.benefits ?? []).filter((b) => b.milestone === id);
  const ownerId = plan.data?.milestones?.find((x) => x.id === id)?.owner ?? initiative.owner?.id;
  const owner = plan.data?.people?.find((p) => p.id === ownerId)?.name ?? ownerId ?? '—';
  return (
    <Page
      title={m.name}
      documentTitle={`${m.id} ${m.name}`}
      eyebrow={`Milestone · ${m.id}`}
      crumbs={[
        { label: 'Strategy map', to: '/' },
        { label: initiative.name, to: `/initiatives/${encodeURIComponent(initiative.id)}` },
      ]}
      actions={<StatusBadge status={m.status} size="xl" />}
      testId="milestone-page"
    >
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md">
        <Card>
          <Text size="xs" c="dimmed" fw={700} tt="uppercase">
            Planned
          </Text>
          <Text fw={650} fz="lg">
            {formatDate(m.plannedDate)}
          </Text>
        </Card>
        <Card>
          <Text size="xs" c="dimmed" fw={700} tt="uppercase">
            Forecast
          </Text>
          <Text fw={650} fz="lg" data-testid="milestone-forecast">
            {formatDate(m.forecastDate)}
          </Text>
        </Card>
        <Card>
          <Text size="xs" c="dimmed" fw={700} tt="uppercase">
            Slip
          </Text>
          <Text fw={650} fz="lg" c={m.slipWorkingDays > 0 ? 'red.9' : undefined}>
            {m.slipWorkingDays > 0 ? `+${m.slipWorkingDays} working days` : 'on plan'}
          </Text>
        </Card>
        <Card>
          <Text size="xs" c="dimmed" fw={700} tt="uppercase">
            Owner
          </Text>
          <Text fw={650}>{owner}</Text>
          <EntityLink kind="initiative" id={initiative.id} size="sm">
            {initiative.name}
          </EntityLink>
        </Card>
      </SimpleGrid>
      {levelled !== undefined && (
        <Card
          component="section"
          aria-labelledby="milestone-levelled"
          className="levelled-card"
          data-testid="milestone-levelled"
        >
          <Stack gap="xs">
            <Group gap="xs" wrap="nowrap" className="over-capacity">
              <AlertIcon size={16} strokeWidth={2.4} />
              <Title order={2} id="milestone-levelled" className="section-title" c="inherit">
                Levelled within capacity:{' '}
                <span data-testid="milestone-levelled-date">
                  {formatDate(String(levelled.figures?.levelledDate ?? ''))}
                </span>
              </Title>
            </Group>
            <Text size="sm">
              {levelled.text}
              {typeof levelled.figures?.workingDays === 'number' &&
                ` (+${count(levelled.figures.workingDays, 'working day')} after its forecast of ${formatDate(String(levelled.figures.forecastDate ?? ''))}).`}
            </Text>
            <Text size="sm" c="dimmed">
              See{' '}
              {bottleneck?.ref !== undefined && (
                <>
                  the load of{' '}
                  <EntityLink
                    kind={bottleneck.ref.kind}
                    id={bottleneck.ref.id}
                    underline="always"
                  />{' '}
                  week by week, or{' '}
                </>
              )}
              <Anchor component={Link} to="/capacity" fz="inherit" underline="always">
                the capacity of every unit
              </Anchor>
              .
            </Text>
          </Stack>
        </Card>
      )}
      <Card component="section" aria-labelledby="milestone-driver">
        <Stack gap="xs">
          <Title order={2} id="milestone-driver" className="section-title">
            What sets the forecast
          </Title>
          {driver === undefined ? (
            <Loading />
          ) : driver.kind === 'plan' ? (
            <Text size="sm">Its planned date: nothing it depends on is later.</Text>
          ) : driver.kind === 'work_item' ? (
            <Text size="sm">
              Work item <EntityLink kind="work_item" id={driver.key} fw={700} />, the last of its
              work to finish.
            </Text>
          ) : (
            <Text size="sm">
              Milestone <EntityLink kind="milestone" id={driver.predecessor} fw={700} /> (
              {driver.type}, {driver.lagDays >= 0 ? '+' : ''}
              {driver.lagDays} working days).
            </Text>
          )}
          {explained.data !== null && <Explanation steps={explained.data.explanation} />}
        </Stack>
      </Card>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Card component="section" aria-labelledby="milestone-upstream">
          <Title order={2} id="milestone-upstream" className="section-title">
            Waits on
          </Title>
          {upstream.length === 0 ? (
            <Text size="sm" c="dimmed">
              No other milestone.
            </Text>
          ) : (
            <List size="sm" spacing={4}>
              {upstream.map((d) => (
                <List.Item key={d.predecessor}>
                  <EntityLink kind="milestone" id={d.predecessor} /> ({d.type ?? 'FS'},{' '}
                  {d.lagDays ?? 0} wd)
                </List.Item>
              ))}
            </List>
          )}
        </Card>
        <Card component="section" aria-labelledby="milestone-downstream">
          <Title order={2} id="milestone-downstream" className="section-title">
            Waited on by
          </Title>
          {downstream.length === 0 && benefits.length === 0 ? (
            <Text size="sm" c="dimmed">
              Nothing downstream.
            </Text>
          ) : (
            <List size="sm" spacing={4}>
              {downstream.map((d) => (
                <List.Item key={d.successor}>
                  milestone <EntityLink kind="milestone" id={d.successor} /> ({d.type ?? 'FS'},{' '}
                  {d.lagDays ?? 0} wd)
                </List.Item>
              ))}
              {benefits.map((b) => (
                <List.Item key={b.id}>
                  KPI <EntityLink kind="kpi" id={b.kpi} />: benefit {b.id},{' '}
                  {b.amountPerWeek.toLocaleString('en-US')} a week from its completion
                </List.Item>
              ))}
            </List>
          )}
        </Card>
      </SimpleGrid>
      <Card component="section" aria-labelledby="milestone-work" padding="sm">
        <Title order={2} id="milestone-work" className="section-title" px="sm" pt="xs">
          Linked work
        </Title>
        {m.workItems.length === 0 ? (
          <Text size="sm" c="dimmed" p="sm">
            No work item is linked.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing={6}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Work item</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                  <Table.Th scope="col">Due</Table.Th>
                  <Table.Th scope="col">Forecast finish</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {m.workItems.map((w) => (
                  <Table.Tr key={w.key}>
                    <Table.Td>
                      <EntityLink kind="work_item" id={w.key} fw={600} />
                      <Text size="xs" c="dimmed">
                        {w.summary}
                      </Text>
                    </Table.Td>
                    <Table.Td>{w.status}</Table.Td>
                    <Table.Td>{formatDate(w.dueDate)}</Table.Td>
                    <Table.Td>{formatDate(w.forecastFinish)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Page>
  );
}
