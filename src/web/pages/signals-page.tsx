import { Card, Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { IncidentList } from '../api/incident-types.ts';
import type { SignalList } from '../api/types.ts';
import { IncidentCard } from '../components/incident-card.tsx';
import { Loading, Page } from '../components/page.tsx';
import { SignalCard } from '../components/signal-card.tsx';
import { count } from '../format/format.ts';
import { useLive } from '../live/live-context.tsx';
import { useMe } from '../live/session-context.tsx';
import { useApi } from '../live/use-api.ts';
import { useLabels } from '../live/use-state-index.ts';

type Filter = 'mine' | 'open' | 'all';

/** The signal inbox: what waits on me, each with its cause chain; acknowledge what I have seen. */
export function SignalsPage() {
  const live = useLive();
  const me = useMe();
  const labels = useLabels();
  const [filter, setFilter] = useState<Filter>('mine');
  const all = useApi<SignalList>(filter === 'all' ? '/api/v1/signals?status=all' : null);
  const incidents = useApi<IncidentList>('/api/v1/incidents');
  const source = filter === 'all' ? all.data?.signals : live.signals;
  if (source === undefined || source === null) return <Loading label="Loading signals" />;
  const shown = filter === 'mine' ? source.filter((s) => s.forMe) : source;
  const waiting = shown.filter((s) => s.status === 'open' && !s.acknowledgedByMe).length;
  // Signals that share a root cause, told once: those that reach me, or every open one.
  const grouped = (incidents.data?.incidents ?? []).filter(
    (i) =>
      filter !== 'mine' || i.owners.includes(me.person.id) || i.decider?.person === me.person.id,
  );
  // A signal of an incident shown is folded inside it; the rest stand on their own.
  const folded = new Set(grouped.flatMap((i) => i.signals.map((s) => s.id)));
  const loose = shown.filter((s) => !folded.has(s.id));
  const card = (s: (typeof shown)[number], level: 'h2' | 'h3') => (
    <SignalCard
      key={s.id}
      signal={s}
      nameOf={labels.nameOf}
      unitOf={labels.unitOf}
      headingLevel={level}
    />
  );
  return (
    <Page
      title="Signals"
      documentTitle="Signals"
      eyebrow={`Inbox of ${me.person.name}`}
      actions={
        <SegmentedControl
          value={filter}
          onChange={setFilter}
          aria-label="Which signals"
          data={[
            { value: 'mine', label: 'For me' },
            { value: 'open', label: 'All open' },
            { value: 'all', label: 'Including resolved' },
          ]}
        />
      }
      testId="signals-page"
    >
      <Text c="dimmed" size="sm" data-testid="signals-summary">
        {count(shown.length, 'signal')}
        {filter === 'mine' ? ' affect you' : ''}; {waiting} not yet acknowledged.
      </Text>
      {grouped.length > 0 && (
        <Stack gap="md" data-testid="incidents">
          <Text c="dimmed" size="sm" data-testid="incidents-summary">
            {count(grouped.length, 'incident')}: signals that share a root cause, told once, with
            their signals folded inside.
          </Text>
          {grouped.map((i) => {
            const ids = new Set(i.signals.map((s) => s.id));
            const inside = shown.filter((s) => ids.has(s.id));
            return (
              <IncidentCard key={i.id} incident={i} headingLevel="h2" signalCount={inside.length}>
                {inside.map((s) => card(s, 'h3'))}
              </IncidentCard>
            );
          })}
        </Stack>
      )}
      {shown.length === 0 ? (
        <Card>
          <Text>
            Nothing here: no signal {filter === 'mine' ? 'affects you' : 'is open'} right now.
          </Text>
        </Card>
      ) : (
        loose.length > 0 && <Stack gap="md">{loose.map((s) => card(s, 'h2'))}</Stack>
      )}
      <Group>
        <Text size="xs" c="dimmed">
          Signals are raised by the engine when a change in the work moves a milestone past its plan
          or a KPI forecast past its target.
        </Text>
      </Group>
    </Page>
  );
}
