import { Card, Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { SignalList } from '../api/types.ts';
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
  const source = filter === 'all' ? all.data?.signals : live.signals;
  if (source === undefined || source === null) return <Loading label="Loading signals" />;
  const shown = filter === 'mine' ? source.filter((s) => s.forMe) : source;
  const waiting = shown.filter((s) => s.status === 'open' && !s.acknowledgedByMe).length;
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
      {shown.length === 0 ? (
        <Card>
          <Text>
            Nothing here: no signal {filter === 'mine' ? 'affects you' : 'is open'} right now.
          </Text>
        </Card>
      ) : (
        <Stack gap="md">
          {shown.map((s) => (
            <SignalCard
              key={s.id}
              signal={s}
              nameOf={labels.nameOf}
              unitOf={labels.unitOf}
              headingLevel="h2"
            />
          ))}
        </Stack>
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
