import { Anchor, Badge, Card, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useEffect } from 'react';
import { Link } from 'react-router-dom';
import type { Decision, DecisionList } from '../api/decision-types.ts';
import type { IncidentList } from '../api/incident-types.ts';
import type { ObjectiveView } from '../api/types.ts';
import { KIND_LABEL, moneyAtStake, queueOrder } from '../components/decision-parts.tsx';
import { EntityLink } from '../components/entity-link.tsx';
import { IncidentCard } from '../components/incident-card.tsx';
import { InitiativeTable } from '../components/initiative-table.tsx';
import { KpiCard } from '../components/kpi-card.tsx';
import { MoneyPanel } from '../components/money-panel.tsx';
import { preloadCharts } from '../components/lazy-charts.tsx';
import { Loading, Page } from '../components/page.tsx';
import { SignalCard } from '../components/signal-card.tsx';
import { SourceDeliveries } from '../components/source-deliveries.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { productNow } from '../format/clock.ts';
import { count, formatAge, formatDate, formatInstant, STATUS_LABEL } from '../format/format.ts';
import { useLive } from '../live/live-context.tsx';
import { useMe } from '../live/session-context.tsx';
import { useApi } from '../live/use-api.ts';
import { useKnownAtLive } from '../api/known-at.ts';
import { KnownAtControl } from '../components/known-at-control.tsx';
import { useLabels } from '../live/use-state-index.ts';

/** One objective of the tree, with its KPIs, initiatives and child objectives. */
function ObjectiveNode({
  objective,
  depth,
  changed,
}: {
  objective: ObjectiveView;
  depth: number;
  changed: ReadonlySet<string>;
}) {
  const Heading = depth === 0 ? 'h2' : 'h3';
  return (
    <Card
      className={`objective-card depth-${depth}${changed.has(objective.id) ? ' changed' : ''}`}
      data-testid={`objective-card-${objective.id}`}
      data-status={objective.status?.status}
      component="section"
      aria-labelledby={`objective-${objective.id}-title`}
      padding={depth === 0 ? 'lg' : 'md'}
    >
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" gap="sm">
          <Stack gap={2} style={{ flex: 1, minWidth: 240 }}>
            <Text size="xs" c="dimmed" fw={600}>
              Objective · {objective.id}
              {objective.horizon !== null &&
                ` · ${formatDate(objective.horizon.start)} – ${formatDate(objective.horizon.end)}`}
            </Text>
            <Heading
              className={depth === 0 ? 'objective-title' : 'card-title'}
              id={`objective-${objective.id}-title`}
            >
              <EntityLink kind="objective" id={objective.id} c="dark.9" underline="hover" fw={700}>
                {objective.name}
              </EntityLink>
            </Heading>
            <Text size="sm" c="dimmed">
              Owner {objective.owner?.name ?? '—'}
            </Text>
          </Stack>
          <StatusBadge status={objective.status} size="lg" />
        </Group>
        {objective.status !== null && objective.status.status !== 'on_track' && (
          <Text size="sm" className={`status-reason status-reason-${objective.status.status}`}>
            {objective.status.reason}
          </Text>
        )}
        {objective.kpis.length > 0 && (
          <SimpleGrid
            cols={{
              base: 1,
              sm: Math.min(2, objective.kpis.length),
              lg: Math.min(3, objective.kpis.length),
            }}
            spacing="md"
          >
            {objective.kpis.map((k) => (
              <KpiCard
                key={k.id}
                kpi={k}
                changed={changed.has(k.id)}
                headingLevel={depth === 0 ? 'h3' : 'h4'}
              />
            ))}
          </SimpleGrid>
        )}
        <InitiativeTable
          initiatives={objective.initiatives}
          changed={changed}
          caption={`Initiatives serving ${objective.id}`}
        />
        {objective.children.length > 0 && (
          <Stack gap="md" className="objective-children">
            {objective.children.map((c) => (
              <ObjectiveNode key={c.id} objective={c} depth={depth + 1} changed={changed} />
            ))}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

/** The signed-in person's open decisions: what, due when, how much money, with links. */
function MyDecisions({ decisions }: { decisions: Decision[] }) {
  return (
    <Stack gap={4} data-testid="my-decisions">
      <Title order={3} className="card-title" fz="sm">
        Decisions you make
      </Title>
      <List size="sm" spacing={4}>
        {decisions.map((d) => (
          <List.Item key={d.id} data-decision-id={d.id}>
            <Anchor component={Link} to={`/decisions/${encodeURIComponent(d.id)}`} fz="sm">
              {d.title}
            </Anchor>{' '}
            <Text span size="sm" c="dimmed">
              · {d.kinds.map((k) => KIND_LABEL[k] ?? k).join(', ')} · due {formatDate(d.dueDate)} ·{' '}
              {moneyAtStake(d)} short of target
            </Text>
          </List.Item>
        ))}
      </List>
    </Stack>
  );
}

function tally(objectives: ObjectiveView[]) {
  const counts = { on_track: 0, at_risk: 0, off_track: 0 };
  const visit = (o: ObjectiveView) => {
    if (o.status !== null) counts[o.status.status] += 1;
    o.children.forEach(visit);
  };
  objectives.forEach(visit);
  return counts;
}

/** Home: the objective tree with derived status, KPI charts, and what waits on me. */
export function StrategyMapPage() {
  const live = useKnownAtLive(useLive());
  const me = useMe();
  const labels = useLabels();
  const openDecisions = useApi<DecisionList>('/api/v1/decisions?status=open');
  const incidents = useApi<IncidentList>('/api/v1/incidents');
  const ready = live.state !== null && live.signals !== null;
  useEffect(() => {
    if (!ready) return;
    if (performance.getEntriesByName('strategy-map-rendered').length === 0) {
      performance.mark('strategy-map-rendered');
    }
    // The map first, its charts right after.
    preloadCharts();
  }, [ready]);
  if (live.state === null || live.signals === null)
    return <Loading label="Loading the strategy map" />;
  const mine = live.signals.filter((s) => s.forMe && s.status === 'open');
  const counts = tally(live.state.objectives);
  const myDecisions = queueOrder(
    (openDecisions.data?.decisions ?? []).filter((d) => d.decider.person === me.person.id),
  );
  // Incidents that reach me: I own something they touch, or I decide them.
  const myIncidents = (incidents.data?.incidents ?? []).filter(
    (i) => i.owners.includes(me.person.id) || i.decider?.person === me.person.id,
  );
  // My signals of those incidents are folded inside them; the rest stand on their own.
  const folded = new Set(myIncidents.flatMap((i) => i.signals.map((s) => s.id)));
  const signalCard = (s: (typeof mine)[number]) => (
    <SignalCard
      key={s.id}
      signal={s}
      nameOf={labels.nameOf}
      unitOf={labels.unitOf}
      compact
      headingLevel={folded.has(s.id) ? 'h4' : 'h3'}
    />
  );
  const now = productNow();
  return (
    <Page
      title="Strategy map"
      documentTitle="Strategy map"
      eyebrow={live.state.organisation.name}
      testId="strategy-map"
    >
      <KnownAtControl />
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="md" className="summary-strip">
        {(['on_track', 'at_risk', 'off_track'] as const).map((s) => (
          <Card key={s} padding="md" className="summary-card">
            <Text size="xs" c="dimmed" fw={700} tt="uppercase">
              Objectives {STATUS_LABEL[s].toLowerCase()}
            </Text>
            <Group gap="xs" align="baseline">
              <Text fz={28} fw={700} lh={1.2} data-testid={`objectives-${s}`}>
                {counts[s]}
              </Text>
              <StatusBadge status={s} withReason={false} size="xs" />
            </Group>
          </Card>
        ))}
        <Card padding="md" className="summary-card">
          <Text size="xs" c="dimmed" fw={700} tt="uppercase">
            Signals waiting on you
          </Text>
          <Text fz={28} fw={700} lh={1.2} data-testid="signals-waiting">
            {mine.filter((s) => !s.acknowledgedByMe).length}
          </Text>
        </Card>
        <Card
          padding="md"
          className="summary-card"
          component="section"
          aria-labelledby="freshness-title"
          data-testid="freshness"
        >
          <Text size="xs" c="dimmed" fw={700} tt="uppercase" id="freshness-title">
            Data freshness
          </Text>
          <Text size="sm">
            Figures as of <strong>{formatDate(live.state.asOf)}</strong>
          </Text>
          {(live.sources ?? []).length === 0 && (
            <Text size="xs" c="dimmed">
              No source has sent work yet.
            </Text>
          )}
          {(live.sources ?? []).map((s) => (
            <Stack gap={2} key={s.source}>
              <Text size="xs" c="dimmed" data-testid={`source-${s.source}-latest`}>
                {s.source} ({count(s.workItems, 'item')}): updated {formatInstant(s.latestUpdateAt)}
                , {formatAge(s.latestUpdateAt, now)}
              </Text>
              <SourceDeliveries source={s} />
            </Stack>
          ))}
        </Card>
      </SimpleGrid>
      <Card
        component="section"
        aria-labelledby="waiting-title"
        data-testid="waiting-on-me"
        className="waiting-card"
      >
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={2} id="waiting-title" className="section-title">
              Waiting on you
            </Title>
            <Badge
              variant="light"
              radius="sm"
              styles={{
                root: { color: '#343a40', backgroundColor: '#f1f3f5', textTransform: 'none' },
              }}
            >
              {count(mine.length, 'signal')}
              {myDecisions.length > 0 && `, ${count(myDecisions.length, 'decision')}`}
            </Badge>
          </Group>
          {myDecisions.length > 0 && <MyDecisions decisions={myDecisions} />}
          {myIncidents.length > 0 && (
            <Stack gap="sm" data-testid="my-incidents">
              {myIncidents.map((i) => {
                const ids = new Set(i.signals.map((s) => s.id));
                const inside = mine.filter((s) => ids.has(s.id));
                return (
                  <IncidentCard
                    key={i.id}
                    incident={i}
                    headingLevel="h3"
                    signalCount={inside.length}
                  >
                    {inside.map(signalCard)}
                  </IncidentCard>
                );
              })}
            </Stack>
          )}
          {mine.length === 0 ? (
            <Text size="sm" c="dimmed" data-testid="no-signals">
              {myDecisions.length > 0 ? 'No signal' : 'Nothing'} needs you,{' '}
              {me.person.name.split(' ')[0]}: every objective you own or serve is where it should
              be.
            </Text>
          ) : (
            <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="md">
              {mine.filter((s) => !folded.has(s.id)).map(signalCard)}
            </SimpleGrid>
          )}
        </Stack>
      </Card>
      <MoneyPanel scope="portfolio" />
      <Stack gap="lg" data-testid="objective-tree" component="section" aria-label="Objectives">
        {live.state.objectives.map((o) => (
          <ObjectiveNode key={o.id} objective={o} depth={0} changed={live.changed} />
        ))}
      </Stack>
    </Page>
  );
}
