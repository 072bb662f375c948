import { Anchor, Button, Drawer, Group, List, Stack, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import type { PlanHistoryItem, PlanHistoryPage } from '../api/types.ts';
import { Failed, Loading } from '../components/page.tsx';
import { formatInstant } from '../format/format.ts';
import { useApi } from '../live/use-api.ts';
import { changeWords } from './change-summary.ts';

/** Who made a change, in words: the person's name, or the door (`the command line`, `the demo`). */
export function actorWords(change: Pick<PlanHistoryItem, 'actor' | 'actorName'>): string {
  if (change.actorName !== null) return change.actorName;
  switch (change.actor) {
    case null:
      return 'someone unknown';
    case 'cli':
      return 'the command line';
    case 'demo':
      return 'the demo';
    case 'engine':
      return 'the engine';
    default:
      return change.actor;
  }
}

/**
 * The plan's history beside the editor, newest first: each change in words, who made it, when on
 * the product's clock. Only what the person sees; the audit log is a link away for who may read it.
 */
export function PlanHistoryDrawer({
  opened,
  onClose,
  plan,
  mayReadAudit,
  reloadKey,
}: {
  opened: boolean;
  onClose: () => void;
  plan: PlanFile;
  mayReadAudit: boolean;
  reloadKey: number;
}) {
  const history = useApi<PlanHistoryPage>(
    opened ? '/api/v1/plan/history?limit=50' : null,
    reloadKey,
  );
  return (
    <Drawer
      opened={opened}
      onClose={onClose}
      position="right"
      size="lg"
      title="Plan history"
      closeButtonProps={{ 'aria-label': 'Close the plan history' }}
    >
      <Stack gap="sm" data-testid="plan-history-drawer">
        <Text size="sm" c="dimmed">
          The latest changes to the plan you can see, newest first.
        </Text>
        {history.data === null ? (
          history.status === 'error' ? (
            <Failed error={history.error} />
          ) : (
            <Loading label="Loading the plan history" />
          )
        ) : history.data.changes.length === 0 ? (
          <Text size="sm">No changes yet.</Text>
        ) : (
          <Stack gap="sm" component="ol" className="plan-history-list" aria-label="Plan changes">
            {history.data.changes.map((change) => {
              const { entity, lines } = changeWords(plan, change);
              return (
                <li key={change.seq} data-testid="plan-history-entry">
                  <Text size="sm" fw={600}>
                    {entity}
                  </Text>
                  <List size="sm" spacing={0}>
                    {lines.map((line) => (
                      <List.Item key={line}>{line}</List.Item>
                    ))}
                  </List>
                  <Text size="xs" c="dark.6">
                    {actorWords(change)} · {formatInstant(change.at)}
                  </Text>
                </li>
              );
            })}
          </Stack>
        )}
        {mayReadAudit && (
          <Group>
            <Anchor component={Link} to="/audit" size="sm">
              The full audit log
            </Anchor>
          </Group>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
        </Group>
      </Stack>
    </Drawer>
  );
}
