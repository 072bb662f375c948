import { Button, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { api } from '../api/client.ts';
import { type DeadLetterList, mayDo, type SourceFreshness } from '../api/types.ts';
import { count, formatInstant } from '../format/format.ts';
import { useSession } from '../live/session-context.tsx';
import { useApi } from '../live/use-api.ts';

/**
 * A source's webhook deliveries that are not applied: how many wait or are being retried, and
 * the ones set aside (dead-lettered) with their error and a button to try each again.
 */
export function SourceDeliveries({ source }: { source: SourceFreshness }) {
  const { pending, retrying, deadLettered } = source.deliveries;
  const [reload, setReload] = useState(0);
  const [failed, setFailed] = useState<string | null>(null);
  const { session } = useSession();
  // Dead letters (with their payloads) and their retry are for admins only (docs/ACCESS.md).
  const mayManage = session.kind === 'signed-in' && mayDo(session.me, 'sites.manage');
  const list = useApi<DeadLetterList>(
    deadLettered > 0 && mayManage
      ? `/api/v1/webhooks/dead-letters?source=${encodeURIComponent(source.source)}&limit=5`
      : null,
    reload,
  );
  if (pending === 0 && deadLettered === 0) return null;
  const retry = (seq: number): void => {
    setFailed(null);
    api(`/api/v1/webhooks/dead-letters/${seq}/retry`, { method: 'POST' }).then(
      () => setReload((n) => n + 1),
      (error: unknown) => setFailed(error instanceof Error ? error.message : String(error)),
    );
  };
  return (
    <Stack gap={2} data-testid={`source-${source.source}-deliveries`}>
      {pending > 0 && (
        <Text size="xs" c="dimmed">
          {count(pending, 'delivery', 'deliveries')} waiting
          {retrying > 0 ? `, ${retrying} being retried after a failure` : ''}
        </Text>
      )}
      {deadLettered > 0 && (
        <Text size="xs" c="red.8" fw={600} role="status">
          {count(deadLettered, 'delivery', 'deliveries')} set aside: not applied
        </Text>
      )}
      {(list.data?.deadLetters ?? []).map((d) => (
        <Group key={d.seq} gap="xs" wrap="nowrap" align="flex-start">
          <Text size="xs" c="dimmed" style={{ flex: 1 }}>
            #{d.seq} received {formatInstant(d.receivedAt)}: {d.problems[0]?.message ?? 'failed'}
          </Text>
          <Button size="compact-xs" variant="light" onClick={() => retry(d.seq)}>
            Retry
          </Button>
        </Group>
      ))}
      {failed !== null && (
        <Text size="xs" c="red.8" role="alert">
          {failed}
        </Text>
      )}
    </Stack>
  );
}
