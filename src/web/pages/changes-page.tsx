import { Card, Group, List, Stack, Text, Title } from '@mantine/core';
import { EntityLink } from '../components/entity-link.tsx';
import { Page } from '../components/page.tsx';
import { count, formatInstant } from '../format/format.ts';
import { useLive } from '../live/live-context.tsx';
import { useStateIndex } from '../live/use-state-index.ts';
import type { StateIndex } from '../live/state-index.ts';

function kindOf(index: StateIndex | null, id: string) {
  if (index === null) return null;
  if (index.objectives.has(id)) return 'objective' as const;
  if (index.kpis.has(id)) return 'kpi' as const;
  if (index.initiatives.has(id)) return 'initiative' as const;
  if (index.milestones.has(id)) return 'milestone' as const;
  return null;
}

/**
 * What changed while the app was open, newest first: each live update's lines (statuses,
 * forecasts, KPI figures, signals raised or resolved) and links to what it touched. The compact
 * live notice links here.
 */
export function ChangesPage() {
  const { changes } = useLive();
  const index = useStateIndex();
  return (
    <Page title="What changed" documentTitle="What changed" testId="changes-page">
      <Text size="sm" c="dimmed">
        Live updates since this page was opened, newest first. The figures that moved highlight
        where they are shown, with their old value beside them.
      </Text>
      {changes.length === 0 ? (
        <Text size="sm">Nothing has changed since you opened Throughline.</Text>
      ) : (
        <Stack gap="sm" component="ol" className="changes-list" aria-label="Changes">
          {changes.map((change) => (
            <Card component="li" key={change.id} withBorder padding="md" data-testid="change">
              <Stack gap={6}>
                <Group justify="space-between" gap="xs">
                  <Title order={2} fz="sm">
                    {formatInstant(change.at)} · {count(change.lines.length, 'change')}
                  </Title>
                </Group>
                <List size="sm" spacing={2}>
                  {change.lines.map((line) => (
                    <List.Item key={line}>{line}</List.Item>
                  ))}
                </List>
                {change.ids.length > 0 && (
                  <Text size="xs" c="dimmed">
                    Touches{' '}
                    {change.ids.map((id, i) => {
                      const kind = kindOf(index, id);
                      return (
                        <span key={id}>
                          {i > 0 && ', '}
                          {kind === null ? id : <EntityLink kind={kind} id={id} size="xs" named />}
                        </span>
                      );
                    })}
                  </Text>
                )}
              </Stack>
            </Card>
          ))}
        </Stack>
      )}
    </Page>
  );
}
