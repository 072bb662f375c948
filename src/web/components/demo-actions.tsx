import { ActionIcon, Button, Group, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { api } from '../api/client.ts';
import type { DemoReplayBody } from '../api/types.ts';
import { useLiveStore } from '../live/live-context.tsx';
import { SendIcon, UndoIcon } from './icons.tsx';

type Payload = 'erp-17-due-date-moved' | 'erp-17-due-date-restored';

/** The demo's story in one click: Jira says ERP-17 is due three weeks later (or back again). */
export function DemoActions() {
  const live = useLiveStore();
  const [busy, setBusy] = useState<Payload | null>(null);
  const replay = async (payload: Payload): Promise<void> => {
    setBusy(payload);
    try {
      await api('/api/v1/demo/replay', {
        method: 'POST',
        body: { payload } satisfies DemoReplayBody,
      });
      await live.refresh();
    } finally {
      setBusy(null);
    }
  };
  return (
    <Group gap={6} wrap="nowrap" data-testid="demo-actions">
      <Tooltip
        label="Replays the Jira webhook: ERP-17's due date moves from 2 Oct to 23 Oct"
        withArrow
      >
        <Button
          size="xs"
          variant="filled"
          leftSection={<SendIcon size={14} />}
          loading={busy === 'erp-17-due-date-moved'}
          onClick={() => void replay('erp-17-due-date-moved')}
        >
          Send the ERP-17 update
        </Button>
      </Tooltip>
      <Tooltip label="Restore ERP-17's due date (2 Oct)" withArrow>
        <ActionIcon
          size="md"
          variant="default"
          aria-label="Restore ERP-17's due date"
          loading={busy === 'erp-17-due-date-restored'}
          onClick={() => void replay('erp-17-due-date-restored')}
        >
          <UndoIcon size={16} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}
