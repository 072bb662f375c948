import {
  Anchor,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  List,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useCallback, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import {
  DependencyGraph,
  type GraphEdge,
  type GraphNode,
  type Highlight,
} from '../components/dependency-graph.tsx';
import { entityHref } from '../components/entity-link.tsx';
import { Loading, Page } from '../components/page.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { formatDate, STATUS_LABEL } from '../format/format.ts';
import { useApi } from '../live/use-api.ts';
import { useStateIndex } from '../live/use-state-index.ts';

const UNIT_COLORS = ['#1c7ed6', '#7048e8', '#0c8599', '#c2255c', '#5f3dc4', '#e67700', '#495057'];

function reach(start: string, next: (id: string) => string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const n of next(id)) {
      if (!seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
    }
  }
  return seen;
}

const KIND_WORD = { milestone: 'Milestone', kpi: 'KPI', objective: 'Objective' } as const;

/** The graph as a list, for phones: each node, what it waits on and what it leads to, by name. */
function DependencyList({
  nodes,
  edges,
  unitName,
  unitColor,
}: {
  nodes: GraphNode[];
  edges: GraphEdge[];
  unitName: (unit: string) => string;
  unitColor: (unit: string | null) => string;
}) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const link = (id: string) => {
    const n = byId.get(id);
    return (
      <Anchor component={Link} to={entityHref(n?.kind ?? 'milestone', id) ?? '/'} fz="inherit">
        {n === undefined || n.name === id ? id : `${n.name} (${id})`}
      </Anchor>
    );
  };
  const joined = (ids: string[]) =>
    ids.map((id, i) => (
      <span key={id}>
        {i > 0 && ', '}
        {link(id)}
      </span>
    ));
  return (
    <ul
      className="dependency-list"
      aria-label="Dependencies as a list"
      data-testid="dependency-list"
    >
      {nodes.map((n) => {
        // Only links between what is drawn (the graph leaves out the others too).
        const waits = edges.filter((e) => e.to === n.id && byId.has(e.from));
        const leads = edges.filter((e) => e.from === n.id && byId.has(e.to));
        return (
          <li key={n.id} data-node={n.id} style={{ borderLeftColor: unitColor(n.unit) }}>
            <Group gap="xs" justify="space-between" wrap="nowrap" align="flex-start">
              <Text size="sm" fw={650}>
                {link(n.id)}
              </Text>
              {n.status !== null && <StatusBadge status={n.status} size="sm" />}
            </Group>
            <Text size="xs" c="dark.4">
              {KIND_WORD[n.kind]}
              {n.unit !== null && ` · ${unitName(n.unit)}`}
              {n.forecastDate !== undefined && ` · forecast ${formatDate(n.forecastDate)}`}
              {n.slipWorkingDays !== undefined &&
                n.slipWorkingDays > 0 &&
                ` (+${n.slipWorkingDays} working days)`}
              {n.status === null ? (
                ''
              ) : (
                <span className="visually-hidden">, {STATUS_LABEL[n.status]}</span>
              )}
            </Text>
            {waits.length > 0 && (
              <Text size="sm" mt={4}>
                Waits on {joined(waits.map((e) => e.from))}
              </Text>
            )}
            {leads.length > 0 && (
              <Text size="sm" mt={2}>
                Leads to {joined(leads.map((e) => e.to))}
              </Text>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** The dependency graph across units: select a milestone to light up what it waits on and what it reaches. */
export function DependenciesPage() {
  const index = useStateIndex();
  const plan = useApi<PlanFile>('/api/v1/plan');
  const [selected, setSelected] = useState<string | null>(null);
  // On a phone the list reads better than a graph; either can be chosen at any width.
  const narrow = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const [chosenView, setView] = useState<'graph' | 'list' | null>(null);
  const view = chosenView ?? (narrow ? 'list' : 'graph');

  const graph = useMemo(() => {
    if (index === null || plan.data === null) return null;
    const units = new Map((plan.data.units ?? []).map((u) => [u.id, u.name]));
    const nodes: GraphNode[] = [];
    const edges: GraphEdge[] = [];
    for (const { milestone, initiative } of index.milestones.values()) {
      nodes.push({
        id: milestone.id,
        kind: 'milestone',
        name: milestone.name,
        unit: initiative.unit,
        status: milestone.status.status,
        forecastDate: milestone.forecastDate,
        slipWorkingDays: milestone.slipWorkingDays,
      });
    }
    for (const d of plan.data.dependencies ?? []) {
      edges.push({
        from: d.predecessor,
        to: d.successor,
        label: `${d.type ?? 'FS'} +${d.lagDays ?? 0} wd`,
      });
    }
    const kpis = new Set<string>();
    for (const b of plan.data.benefits ?? []) {
      if (!index.milestones.has(b.milestone)) continue;
      kpis.add(b.kpi);
      edges.push({ from: b.milestone, to: b.kpi, label: 'benefit' });
    }
    const objectives = new Set<string>();
    for (const k of kpis) {
      const entry = index.kpis.get(k);
      if (entry === undefined) continue;
      const owner = plan.data.kpis?.find((x) => x.id === k)?.owner;
      const ownerUnit = plan.data.people?.find((p) => p.id === owner)?.unit ?? null;
      nodes.push({
        id: k,
        kind: 'kpi',
        name: entry.kpi.name,
        unit: ownerUnit,
        status: entry.kpi.status?.status ?? null,
      });
      for (const o of entry.objectives) {
        objectives.add(o.id);
        edges.push({ from: k, to: o.id, label: 'measures' });
      }
    }
    for (const o of objectives) {
      const entry = index.objectives.get(o);
      if (entry === undefined) continue;
      const ownerUnit =
        plan.data.people?.find((p) => p.id === entry.objective.owner?.id)?.unit ?? null;
      nodes.push({
        id: o,
        kind: 'objective',
        name: entry.objective.name,
        unit: ownerUnit,
        status: entry.objective.status?.status ?? null,
      });
    }
    const unitIds = [
      ...new Set(nodes.map((n) => n.unit).filter((u): u is string => u !== null)),
    ].sort();
    return { nodes, edges, units, unitIds };
  }, [index, plan.data]);

  const { upstream, downstream } = useMemo(() => {
    if (graph === null || selected === null)
      return { upstream: new Set<string>(), downstream: new Set<string>() };
    return {
      upstream: reach(selected, (id) => graph.edges.filter((e) => e.to === id).map((e) => e.from)),
      downstream: reach(selected, (id) =>
        graph.edges.filter((e) => e.from === id).map((e) => e.to),
      ),
    };
  }, [graph, selected]);

  const unitColor = useCallback(
    (unit: string | null) => {
      if (unit === null || graph === null) return '#adb5bd';
      return UNIT_COLORS[graph.unitIds.indexOf(unit) % UNIT_COLORS.length] ?? '#adb5bd';
    },
    [graph],
  );
  const highlightOf = useCallback(
    (id: string): Highlight => {
      if (selected === null) return 'none';
      if (id === selected) return 'selected';
      if (upstream.has(id)) return 'upstream';
      if (downstream.has(id)) return 'downstream';
      return 'dimmed';
    },
    [selected, upstream, downstream],
  );
  const edgeHighlight = useCallback(
    (e: GraphEdge): Highlight => {
      if (selected === null) return 'none';
      if (
        (upstream.has(e.from) || e.from === selected) &&
        (upstream.has(e.to) || e.to === selected) &&
        e.from !== selected
      ) {
        return 'upstream';
      }
      if (
        (downstream.has(e.to) || e.to === selected) &&
        (downstream.has(e.from) || e.from === selected) &&
        e.to !== selected
      ) {
        return 'downstream';
      }
      return 'dimmed';
    },
    [selected, upstream, downstream],
  );

  if (graph === null) return <Loading label="Loading the dependency graph" />;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const selectedNode = selected === null ? undefined : byId.get(selected);
  const listOf = (ids: Set<string>) =>
    [...ids].map((id) => byId.get(id)).filter((n): n is GraphNode => n !== undefined);
  return (
    <Page
      title="Dependencies"
      documentTitle="Dependencies"
      eyebrow="Across units"
      testId="dependencies-page"
    >
      <SegmentedControl
        value={view}
        onChange={(v) => setView(v === 'list' ? 'list' : 'graph')}
        data={[
          { value: 'graph', label: 'Graph' },
          { value: 'list', label: 'List' },
        ]}
        aria-label="Show the dependencies as"
        data-testid="dependency-view"
        style={{ alignSelf: 'flex-start' }}
      />
      {view === 'graph' ? (
        <Card padding={0} className="graph-card">
          <div className="graph-box" data-testid="dependency-graph">
            <DependencyGraph
              nodes={graph.nodes}
              edges={graph.edges}
              unitColor={unitColor}
              highlightOf={highlightOf}
              edgeHighlight={edgeHighlight}
              onSelect={setSelected}
            />
          </div>
        </Card>
      ) : (
        <Card padding={0}>
          <DependencyList
            nodes={graph.nodes}
            edges={graph.edges}
            unitName={(u) => graph.units.get(u) ?? u}
            unitColor={unitColor}
          />
        </Card>
      )}
      <Group gap="lg" aria-label="Legend" className="graph-legend">
        {graph.unitIds.map((u) => (
          <Group gap={6} key={u}>
            <span
              className="legend-swatch"
              style={{ backgroundColor: unitColor(u) }}
              aria-hidden="true"
            />
            <Text size="sm">{graph.units.get(u) ?? u}</Text>
          </Group>
        ))}
        <Text size="sm" c="dimmed">
          Stripe: unit · status in words and colour · selected: blue ring · waits on: orange ·
          reaches: red
        </Text>
      </Group>
      <Card component="section" aria-labelledby="selection-title">
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Stack gap="sm">
              <Title order={2} id="selection-title" className="section-title">
                Follow a milestone
              </Title>
              <Select
                label="Milestone"
                placeholder="Choose a milestone"
                searchable
                clearable
                value={selected}
                onChange={setSelected}
                data={graph.nodes
                  .filter((n) => n.kind === 'milestone')
                  .map((n) => ({ value: n.id, label: `${n.id} · ${n.name}` }))}
                data-testid="milestone-select"
              />
              {selectedNode === undefined ? (
                <Text size="sm" c="dimmed">
                  Select a milestone, in the graph or here, to light up what it waits on (upstream)
                  and everything it reaches (downstream).
                </Text>
              ) : (
                <Stack gap={4} data-testid="selection">
                  <Group justify="space-between">
                    <Anchor
                      component={Link}
                      to={entityHref(selectedNode.kind, selectedNode.id) ?? '/'}
                      fw={700}
                    >
                      {selectedNode.id} {selectedNode.name}
                    </Anchor>
                    <StatusBadge status={selectedNode.status} size="sm" />
                  </Group>
                  {selectedNode.forecastDate !== undefined && (
                    <Text size="sm">
                      Forecast {formatDate(selectedNode.forecastDate)}
                      {selectedNode.unit !== null &&
                        ` · ${graph.units.get(selectedNode.unit) ?? selectedNode.unit}`}
                    </Text>
                  )}
                  <Group>
                    <Button variant="default" size="xs" onClick={() => setSelected(null)}>
                      Clear the selection
                    </Button>
                  </Group>
                </Stack>
              )}
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
            <Group gap="xs">
              <Badge color="orange.9" variant="filled" size="sm" circle>
                {upstream.size}
              </Badge>
              <Text size="sm" fw={700}>
                Waits on (upstream)
              </Text>
            </Group>
            <List size="sm" spacing={2} mt={6} data-testid="upstream-list">
              {listOf(upstream).map((n) => (
                <List.Item key={n.id}>
                  <Anchor component={Link} to={entityHref(n.kind, n.id) ?? '/'} fz="inherit">
                    {n.id}
                  </Anchor>{' '}
                  {n.name}
                </List.Item>
              ))}
            </List>
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
            <Group gap="xs">
              <Badge color="red.8" variant="filled" size="sm" circle>
                {downstream.size}
              </Badge>
              <Text size="sm" fw={700}>
                Reaches (downstream)
              </Text>
            </Group>
            <List size="sm" spacing={2} mt={6} data-testid="downstream-list">
              {listOf(downstream).map((n) => (
                <List.Item key={n.id}>
                  <Anchor component={Link} to={entityHref(n.kind, n.id) ?? '/'} fz="inherit">
                    {n.id}
                  </Anchor>{' '}
                  {n.name}
                </List.Item>
              ))}
            </List>
          </Grid.Col>
        </Grid>
      </Card>
    </Page>
  );
}
