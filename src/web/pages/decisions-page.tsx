import { Card, SegmentedControl, Text } from '@mantine/core';
import { useState } from 'react';
import type { DecisionList } from '../api/decision-types.ts';
import { DecisionTable, queueOrder } from '../components/decision-parts.tsx';
import { Failed, Loading, Page } from '../components/page.tsx';
import { count } from '../format/format.ts';
import { useLive } from '../live/live-context.tsx';
import { useMe } from '../live/session-context.tsx';
import { useApi } from '../live/use-api.ts';

type Filter = 'mine' | 'all';

/** The decision queue: open decisions first, for me or everyone's. */
export function DecisionsPage() {
  const me = useMe();
  const [filter, setFilter] = useState<Filter>('mine');
  const { decisionVersion } = useLive();
  const list = useApi<DecisionList>('/api/v1/decisions?status=all', decisionVersion);
  if (list.data === null)
    return list.error === null ? (
      <Loading label="Loading decisions" />
    ) : (
      <Failed error={list.error} />
    );
  const all = queueOrder(list.data.decisions);
  const shown = filter === 'mine' ? all.filter((d) => d.decider.person === me.person.id) : all;
  const open = shown.filter((d) => d.status === 'open').length;
  return (
    <Page
      title="Decisions"
      documentTitle="Decisions"
      eyebrow={`Queue of ${me.person.name}`}
      actions={
        <SegmentedControl
          value={filter}
          onChange={(value) => setFilter(value === 'all' ? 'all' : 'mine')}
          aria-label="Which decisions"
          data={[
            { value: 'mine', label: 'For me' },
            { value: 'all', label: 'All' },
          ]}
        />
      }
      testId="decisions-page"
    >
      <Text c="dimmed" size="sm" data-testid="decisions-summary">
        {count(shown.length, 'decision')}
        {filter === 'mine' ? ' you decide' : ''}; {open} open.
      </Text>
      {shown.length === 0 ? (
        <Card>
          <Text>
            Nothing here: {filter === 'mine' ? 'no decision waits on you' : 'no decision is open'}.
          </Text>
        </Card>
      ) : (
        <Card padding="md">
          <DecisionTable decisions={shown} caption="Decisions" testId="decision-table" />
        </Card>
      )}
      <Text size="xs" c="dimmed">
        A decision is opened from a signal; the person whose decision rights cover every option
        decides it by its due date, and deciding applies the chosen option to the plan.
      </Text>
    </Page>
  );
}
