import { Button, Card, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { api, apiPath } from '../api/client.ts';
import type { InboxSignal } from '../api/types.ts';
import { formatInstant, readableText } from '../format/format.ts';
import { useLiveStore } from '../live/live-context.tsx';
import { CauseChain } from './cause-chain.tsx';
import { CheckIcon } from './icons.tsx';
import { StatusBadge } from './status-badge.tsx';

interface SignalCardProps {
  signal: InboxSignal;
  /** Person names by id. */
  nameOf: (personId: string) => string;
  unitOf: (kpiId: string) => string;
  compact?: boolean;
  headingLevel?: 'h2' | 'h3' | 'h4';
}

const KIND_TEXT: Partial<Record<string, string>> = {
  'source.stale': 'Source gone quiet',
  'milestone.slipped': 'Milestone slipped',
  'kpi.misses_target': 'KPI misses its target',
  'capacity.over_allocated': 'Unit over capacity',
  'value.below_promise': 'Value below its promise',
  'budget.overrun': 'Budget overrun',
  'governance.gate': 'Stage gate',
};

/** One signal: what happened, its cause chain, whom it affects, and "acknowledge". */
export function SignalCard({
  signal,
  nameOf,
  unitOf,
  compact = false,
  headingLevel = 'h3',
}: SignalCardProps) {
  const live = useLiveStore();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const acknowledge = async (): Promise<void> => {
    setBusy(true);
    setFailed(null);
    try {
      await api(`${apiPath('signals', signal.id)}/ack`, { method: 'POST', body: {} });
      await live.refresh();
    } catch (error) {
      setFailed(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  const severity = signal.kind === 'kpi.misses_target' ? 'off_track' : 'at_risk';
  const Heading = headingLevel;
  return (
    <Card
      className="signal-card"
      data-testid="signal-card"
      data-signal-id={signal.id}
      data-acknowledged={signal.acknowledgedByMe}
      padding={compact ? 'md' : 'lg'}
      aria-labelledby={`signal-${signal.id}`}
      component="article"
    >
      <Stack gap="xs">
        <Stack gap={2}>
          <Group gap="xs">
            <StatusBadge
              status={severity}
              withReason={false}
              size="sm"
              prefix={KIND_TEXT[signal.kind] ?? signal.kind.replace(/[._]/g, ' ')}
            />
            {signal.status === 'resolved' && (
              <Text size="xs" c="dimmed">
                resolved {formatInstant(signal.resolvedAt)}
              </Text>
            )}
          </Group>
          <Heading id={`signal-${signal.id}`} className="signal-title">
            {readableText(signal.title)}
          </Heading>
        </Stack>
        <CauseChain
          chain={signal.chain}
          unitOf={unitOf}
          nameOf={nameOf}
          compact={compact}
          label={`Cause chain of: ${readableText(signal.title)}`}
        />
        <Group justify="space-between" align="center" gap="xs" wrap="wrap">
          <Text size="xs" c="dimmed" style={{ flex: 1, minWidth: 200 }}>
            Affects {signal.affectedOwners.map(nameOf).join(', ')} · raised{' '}
            {formatInstant(signal.raisedAt)}
            {signal.updatedAt !== signal.raisedAt &&
              ` · updated ${formatInstant(signal.updatedAt)}`}
          </Text>
          {signal.acknowledgedByMe ? (
            <Group gap={4} c="dimmed" wrap="nowrap" className="acknowledged">
              <CheckIcon size={14} />
              <Text size="xs" c="dimmed">
                Acknowledged
              </Text>
            </Group>
          ) : (
            signal.status === 'open' && (
              <Button
                size="xs"
                variant="default"
                onClick={() => void acknowledge()}
                loading={busy}
                aria-label={`Acknowledge: ${readableText(signal.title)}`}
              >
                Acknowledge
              </Button>
            )
          )}
        </Group>
        {failed !== null && (
          <Text size="xs" c="red.9" role="alert">
            {failed}
          </Text>
        )}
      </Stack>
    </Card>
  );
}
