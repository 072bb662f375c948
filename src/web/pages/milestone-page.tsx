import {
  Anchor,
  Card,
  Group,
  List,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { MilestoneDriver, ProbabilisticForecast } from '../../core/domain/state.ts';
import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import { apiPath } from '../api/client.ts';
import type { EntityKind, Explained, ExplanationStep, MilestoneDerived } from '../api/types.ts';
import { EntityLink, useEntityLabel } from '../components/entity-link.tsx';
import { Explanation } from '../components/explanation.tsx';
import { AlertIcon } from '../components/icons.tsx';
import { Failed, Loading, Page } from '../components/page.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { ArrowRightIcon } from '../components/icons.tsx';
import { count, formatDate, formatDays, readableText } from '../format/format.ts';
import { useLive } from '../live/live-context.tsx';
import { useApi } from '../live/use-api.ts';
import { useMilestoneDrivers } from '../live/use-milestone-drivers.ts';
import { useStateIndex } from '../live/use-state-index.ts';

// The spread chart loads with the chart library, in its own chunk.
const LazySpread = lazy(() =>
  import('../components/forecast-spread.tsx').then((m) => ({ default: m.ForecastSpreadChart })),
);

type Label = (kind: EntityKind, id: string) => string;

/** What sets the forecast, in one sentence people read. */
export function forecastSentence(
  m: { id: string; plannedDate: string; forecastDate: string; slipWorkingDays: number },
  driver: MilestoneDriver,
  steps: ExplanationStep[],
  label: Label,
): string {
  const against =
    m.slipWorkingDays > 0
      ? `${formatDays(m.slipWorkingDays, 'working', false)} after its plan of ${formatDate(m.plannedDate)}`
      : m.slipWorkingDays < 0
        ? `${formatDays(-m.slipWorkingDays, 'working', false)} before its plan of ${formatDate(m.plannedDate)}`
        : 'on its plan';
  const head = `Forecast ${formatDate(m.forecastDate)}, ${against}`;
  if (driver.kind === 'plan') {
    return `${head}: it keeps its planned date, as nothing it waits on is later.`;
  }
  if (driver.kind === 'work_item') {
    const latest = steps.find((s) => s.rule === 'milestone.after_latest_work')?.figures;
    const finish = typeof latest?.workFinish === 'string' ? latest.workFinish : null;
    return `${head}: it waits for ${label('work_item', driver.key)}, the last of its open work${
      finish === null ? '' : `, forecast to finish ${formatDate(finish)}`
    }.`;
  }
  const waits = driver.type === 'FS' || driver.type === 'SF' ? 'to finish' : 'to start';
  return `${head}: it waits for ${label('milestone', driver.predecessor)} ${waits}${
    driver.lagDays === 0 ? '' : `, then ${formatDays(driver.lagDays, 'working', false)}`
  }.`;
}

/**
 * The chain that sets the forecast, as a small picture: from the work (or the plan) through the
 * milestones it waits on to this one, each a link with its date.
 */
function DrivingChain({
  milestoneId,
  driver,
  dependencies,
}: {
  milestoneId: string;
  driver: MilestoneDriver;
  dependencies: readonly { predecessor: string; successor: string }[] | null;
}) {
  const index = useStateIndex();
  const label = useEntityLabel();
  const upstream = useMilestoneDrivers(
    driver.kind === 'dependency' ? [driver.predecessor] : [],
    driver.kind === 'dependency' ? dependencies : [],
  );
  const nodes: { kind: EntityKind; id: string; date: string | null }[] = [];
  let current: string | null = milestoneId;
  let step: MilestoneDriver | undefined = driver;
  const seen = new Set<string>();
  while (current !== null && !seen.has(current)) {
    seen.add(current);
    nodes.unshift({
      kind: 'milestone',
      id: current,
      date: index?.milestones.get(current)?.milestone.forecastDate ?? null,
    });
    if (step?.kind === 'dependency') {
      const next: string = step.predecessor;
      current = next;
      step = upstream?.get(next);
    } else {
      if (step?.kind === 'work_item') {
        nodes.unshift({
          kind: 'work_item',
          id: step.key,
          date: index?.workItems.get(step.key)?.item.forecastFinish ?? null,
        });
      }
      current = null;
    }
  }
  return (
    <ol
      className="driving-chain"
      aria-label="What the forecast waits on"
      data-testid="driving-chain"
    >
      {nodes.map((node, i) => (
        <li key={`${node.kind}:${node.id}`} className="driving-chain-node">
          {i > 0 && <ArrowRightIcon size={14} className="chain-arrow" />}
          <span className="driving-chain-box">
            <Text span size="xs" c="dimmed" fw={600} tt="uppercase">
              {node.kind === 'work_item' ? 'Work' : 'Milestone'}
            </Text>
            <EntityLink kind={node.kind} id={node.id} fw={650} size="sm">
              {label(node.kind, node.id)}
            </EntityLink>
            {node.date !== null && (
              <Text span size="xs" c="dark.6">
                {node.kind === 'work_item' ? 'finishes' : 'forecast'} {formatDate(node.date)}
              </Text>
            )}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** A milestone: plan against forecast, what sets the forecast, what it waits on, who waits on it. */
export function MilestonePage() {
  const { id = '' } = useParams();
  const index = useStateIndex();
  const { capacityVersion } = useLive();
  // The levelled date moves with the resource bottleneck, which the strategic view does not show.
  const label = useEntityLabel();
  const explained = useApi<
    Explained<unknown, MilestoneDerived> & { probabilistic?: ProbabilisticForecast }
  >(apiPath('milestones', id), capacityVersion);
  const plan = useApi<PlanFile>('/api/v1/plan');
  if (index === null) return <Loading />;
  const found = index.milestones.get(id);
  if (found === undefined) {
    return explained.status === 'error' ? <Failed error={explained.error} /> : <Loading />;
  }
  const { milestone: m, initiative } = found;
  const driver = explained.data?.derived?.driver;
  const probabilistic = explained.data?.probabilistic;
  const spread = probabilistic !== undefined && 'p50' in probabilistic ? probabilistic : null;
  const thin =
    probabilistic !== undefined && 'insufficient' in probabilistic
      ? probabilistic.insufficient
      : null;
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
            {m.slipWorkingDays > 0 ? formatDays(m.slipWorkingDays, 'working') : 'on plan'}
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
              {readableText(levelled.text)}
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
      <Card component="section" aria-labelledby="milestone-driver" data-testid="milestone-driver">
        <Stack gap="sm">
          <Title order={2} id="milestone-driver" className="section-title">
            What sets the forecast
          </Title>
          {driver === undefined ? (
            <Loading />
          ) : (
            <>
              <Text size="sm" data-testid="forecast-sentence">
                {forecastSentence(m, driver, steps, label)}
              </Text>
              <DrivingChain
                milestoneId={id}
                driver={driver}
                dependencies={plan.data?.dependencies ?? null}
              />
            </>
          )}
          {spread !== null ? (
            <Stack gap={4}>
              <Text size="sm">
                How sure: in {spread.samples.toLocaleString('en-US')} runs of the teams' past pace,
                half land by {formatDate(spread.p50)}, 85% by {formatDate(spread.p85)} and 95% by{' '}
                {formatDate(spread.p95)}.
              </Text>
              <Suspense fallback={<Skeleton height={190} />}>
                <LazySpread
                  dates={{
                    planned: m.plannedDate,
                    forecast: m.forecastDate,
                    p50: spread.p50,
                    p85: spread.p85,
                    p95: spread.p95,
                  }}
                />
              </Suspense>
            </Stack>
          ) : thin !== null ? (
            <Text size="sm" c="dark.6" data-testid="spread-thin">
              No spread of dates yet: team {thin.team} has finished{' '}
              {count(thin.completed, 'work item')}, and {thin.needed} are needed to say how sure the
              date is.
            </Text>
          ) : null}
          {explained.data !== null && (
            <details className="explanation-details">
              <summary>How it is worked out, step by step</summary>
              <Explanation steps={explained.data.explanation} />
            </details>
          )}
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
