import { Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useParams } from 'react-router-dom';
import { apiPath } from '../api/client.ts';
import type { Explained } from '../api/types.ts';
import type { Objective } from '../../core/domain/plan.ts';
import { EntityLink } from '../components/entity-link.tsx';
import { Explanation } from '../components/explanation.tsx';
import { MoneyPanel } from '../components/money-panel.tsx';
import { InitiativeTable } from '../components/initiative-table.tsx';
import { KpiCard } from '../components/kpi-card.tsx';
import { Failed, Loading, Page } from '../components/page.tsx';
import { SignalCard } from '../components/signal-card.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { formatDate } from '../format/format.ts';
import { useLive } from '../live/live-context.tsx';
import { useApi } from '../live/use-api.ts';
import { useKnownAtIndex, useKnownAtPath } from '../api/known-at.ts';
import { KnownAtControl } from '../components/known-at-control.tsx';
import { useLabels, useStateIndex } from '../live/use-state-index.ts';

/** An objective: its status and why, its KPIs with charts, the initiatives serving it. */
export function ObjectivePage() {
  const { id = '' } = useParams();
  const index = useKnownAtIndex(useStateIndex());
  const live = useLive();
  const labels = useLabels();
  const explained = useApi<Explained<Objective, unknown>>(
    useKnownAtPath(apiPath('objectives', id)),
  );
  if (index === null) return <Loading />;
  const found = index.objectives.get(id);
  if (found === undefined) {
    return explained.status === 'error' ? <Failed error={explained.error} /> : <Loading />;
  }
  const { objective, parent } = found;
  const signals = (live.signals ?? []).filter((s) =>
    s.chain.some((step) => step.kind === 'objective' && step.id === id),
  );
  // The path of parents down to this objective, the top one first (a cycle stops it).
  const ancestors: { label: string; to: string }[] = [];
  const seen = new Set([id]);
  for (
    let up = parent;
    up !== null && !seen.has(up.id);
    up = index.objectives.get(up.id)?.parent ?? null
  ) {
    seen.add(up.id);
    ancestors.unshift({ label: up.name, to: `/objectives/${encodeURIComponent(up.id)}` });
  }
  const crumbs = [{ label: 'Strategy map', to: '/' }, ...ancestors];
  return (
    <Page
      title={objective.name}
      documentTitle={objective.name}
      eyebrow={`Objective · ${objective.id}`}
      crumbs={crumbs}
      actions={<StatusBadge status={objective.status} size="xl" />}
      testId="objective-page"
    >
      <KnownAtControl />
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
        <Card>
          <Text size="xs" c="dimmed" fw={700} tt="uppercase">
            Owner
          </Text>
          <Text fw={600}>{objective.owner?.name ?? '—'}</Text>
        </Card>
        <Card>
          <Text size="xs" c="dimmed" fw={700} tt="uppercase">
            Horizon
          </Text>
          <Text fw={600}>
            {objective.horizon === null
              ? 'open-ended'
              : `${formatDate(objective.horizon.start)} – ${formatDate(objective.horizon.end)}`}
          </Text>
        </Card>
        <Card>
          <Text size="xs" c="dimmed" fw={700} tt="uppercase">
            Status
          </Text>
          <Text size="sm">{objective.status?.reason ?? '—'}</Text>
        </Card>
      </SimpleGrid>
      {explained.data?.entity.description !== undefined && (
        <Text c="dark.6" maw={820}>
          {explained.data.entity.description}
        </Text>
      )}
      {signals.length > 0 && (
        <Stack gap="sm" component="section" aria-labelledby="objective-signals">
          <Title order={2} id="objective-signals" className="section-title">
            Signals reaching this objective
          </Title>
          {signals.map((s) => (
            <SignalCard key={s.id} signal={s} nameOf={labels.nameOf} unitOf={labels.unitOf} />
          ))}
        </Stack>
      )}
      <Stack gap="sm" component="section" aria-labelledby="objective-kpis">
        <Title order={2} id="objective-kpis" className="section-title">
          KPIs
        </Title>
        {objective.kpis.length === 0 ? (
          <Text size="sm" c="dimmed">
            No KPI measures this objective yet.
          </Text>
        ) : (
          <SimpleGrid cols={{ base: 1, sm: 2, xl: 3 }} spacing="md">
            {objective.kpis.map((k) => (
              <KpiCard key={k.id} kpi={k} changed={live.changed.has(k.id)} headingLevel="h3" />
            ))}
          </SimpleGrid>
        )}
      </Stack>
      <Stack gap="sm" component="section" aria-labelledby="objective-initiatives">
        <Title order={2} id="objective-initiatives" className="section-title">
          Initiatives serving it
        </Title>
        {objective.initiatives.length === 0 ? (
          <Text size="sm" c="dimmed">
            No initiative serves this objective.
          </Text>
        ) : (
          <Card padding="sm">
            <InitiativeTable initiatives={objective.initiatives} changed={live.changed} />
          </Card>
        )}
      </Stack>
      {objective.children.length > 0 && (
        <Stack gap="sm" component="section" aria-labelledby="objective-children">
          <Title order={2} id="objective-children" className="section-title">
            Objectives under it
          </Title>
          {objective.children.map((c) => (
            <Card key={c.id} padding="md">
              <Group justify="space-between">
                <EntityLink kind="objective" id={c.id} fw={600}>
                  {c.name}
                </EntityLink>
                <StatusBadge status={c.status} size="sm" />
              </Group>
            </Card>
          ))}
        </Stack>
      )}
      <MoneyPanel scope="objective" id={objective.id} />
      <Stack gap="sm" component="section" aria-labelledby="objective-why">
        <Title order={2} id="objective-why" className="section-title">
          Why this status
        </Title>
        <Card>
          {explained.data === null ? (
            <Loading />
          ) : (
            <Explanation steps={explained.data.explanation} />
          )}
        </Card>
      </Stack>
    </Page>
  );
}
