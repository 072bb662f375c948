import { Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import { apiPath } from '../api/client.ts';
import type { Explained, WorkItemDerived, WorkItemEntity } from '../api/types.ts';
import { EntityLink } from '../components/entity-link.tsx';
import { Explanation } from '../components/explanation.tsx';
import { Failed, Loading, Page } from '../components/page.tsx';
import { SignalCard } from '../components/signal-card.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { formatDate, formatInstant } from '../format/format.ts';
import { useLive } from '../live/live-context.tsx';
import { useApi } from '../live/use-api.ts';
import { useLabels, useStateIndex } from '../live/use-state-index.ts';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" fw={700} tt="uppercase">
        {label}
      </Text>
      <Text size="sm" fw={550} component="div">
        {children}
      </Text>
    </Stack>
  );
}

/** A work item as its source reports it (read-only here), with its forecast and what it feeds. */
export function WorkItemPage() {
  const { key = '' } = useParams();
  const explained = useApi<Explained<WorkItemEntity, WorkItemDerived>>(apiPath('work-items', key));
  const index = useStateIndex();
  const live = useLive();
  const labels = useLabels();
  if (explained.status === 'error' && explained.data === null)
    return <Failed error={explained.error} />;
  if (explained.data === null) return <Loading />;
  const item = explained.data.entity;
  const derived = explained.data.derived;
  const milestones = index?.workItems.get(key)?.milestones ?? [];
  const signals = (live.signals ?? []).filter(
    (s) => s.chain[0]?.kind === 'work_item' && s.chain[0].id === key,
  );
  return (
    <Page
      title={`${item.key} ${item.summary}`}
      documentTitle={`${item.key} ${item.summary}`}
      eyebrow={`Work item · source “${item.source}”${item.issueType === undefined ? '' : ` · ${item.issueType}`}`}
      crumbs={[{ label: 'Strategy map', to: '/' }]}
      relations={[
        {
          label: 'Delivers',
          links: milestones.map((m) => ({
            label: m.id,
            to: `/milestones/${encodeURIComponent(m.id)}`,
          })),
        },
      ]}
      testId="work-item-page"
    >
      <Card>
        <SimpleGrid cols={{ base: 2, md: 4 }} spacing="lg" verticalSpacing="md">
          <Fact label="Status">
            {item.status} ({item.statusCategory.replace('_', ' ')})
          </Fact>
          <Fact label="Assignee">{item.assignee ?? 'unassigned'}</Fact>
          <Fact label="Start">{formatDate(item.startDate)}</Fact>
          <Fact label="Due">
            <span data-testid="work-item-due">{formatDate(item.dueDate)}</span>
          </Fact>
          <Fact label="Forecast finish">{formatDate(derived?.forecastFinish ?? null)}</Fact>
          <Fact label="Done">{formatDate(item.doneDate)}</Fact>
          <Fact label="Parent">
            {item.parentKey === null ? '—' : <EntityLink kind="work_item" id={item.parentKey} />}
          </Fact>
          <Fact label="Last updated at the source">{formatInstant(item.updatedAt)}</Fact>
        </SimpleGrid>
      </Card>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Card component="section" aria-labelledby="work-feeds">
          <Stack gap="xs">
            <Title order={2} id="work-feeds" className="section-title">
              Delivers
            </Title>
            {milestones.length === 0 ? (
              <Text size="sm" c="dimmed">
                No milestone of the plan is linked to this work item.
              </Text>
            ) : (
              milestones.map((m) => (
                <Group key={m.id} justify="space-between">
                  <EntityLink kind="milestone" id={m.id} fw={600}>
                    {m.id} {m.name}
                  </EntityLink>
                  <StatusBadge status={m.status} size="sm" />
                </Group>
              ))
            )}
          </Stack>
        </Card>
        <Card component="section" aria-labelledby="work-links">
          <Stack gap="xs">
            <Title order={2} id="work-links" className="section-title">
              Links
            </Title>
            {item.blockedBy.length + item.blocks.length + item.links.length === 0 ? (
              <Text size="sm" c="dimmed">
                None.
              </Text>
            ) : (
              <Stack gap={2}>
                {item.blockedBy.map((k) => (
                  <Text size="sm" key={`by:${k}`}>
                    is blocked by <EntityLink kind="work_item" id={k} />
                  </Text>
                ))}
                {item.blocks.map((k) => (
                  <Text size="sm" key={`blocks:${k}`}>
                    blocks <EntityLink kind="work_item" id={k} />
                  </Text>
                ))}
                {item.links.map((l) => (
                  <Text size="sm" key={`${l.relation}:${l.key}`}>
                    {l.relation} <EntityLink kind="work_item" id={l.key} />
                  </Text>
                ))}
              </Stack>
            )}
          </Stack>
        </Card>
      </SimpleGrid>
      <Card component="section" aria-labelledby="work-why">
        <Stack gap="xs">
          <Title order={2} id="work-why" className="section-title">
            Why this forecast
          </Title>
          <Explanation steps={explained.data.explanation} />
        </Stack>
      </Card>
      {signals.length > 0 && (
        <Stack gap="sm" component="section" aria-labelledby="work-signals">
          <Title order={2} id="work-signals" className="section-title">
            Signals this change raised
          </Title>
          {signals.map((s) => (
            <SignalCard key={s.id} signal={s} nameOf={labels.nameOf} unitOf={labels.unitOf} />
          ))}
        </Stack>
      )}
    </Page>
  );
}
