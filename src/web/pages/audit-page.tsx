import { Button, Card, Code, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Failed, Loading, Page } from '../components/page.tsx';
import { count, formatInstant } from '../format/format.ts';
import { useApi } from '../live/use-api.ts';
import { useLabels } from '../live/use-state-index.ts';

interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  item: string | null;
  before: unknown;
  after: unknown;
  origin: { via: string; ip?: string; userAgent?: string };
}

interface AuditList {
  entries: AuditEntry[];
  next: number | null;
}

interface Filters {
  person: string;
  item: string;
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { person: '', item: '', from: '', to: '' };

function pathOf(filters: Filters, after: number | null): string {
  const query = new URLSearchParams();
  for (const key of ['person', 'item', 'from', 'to'] as const)
    if (filters[key].trim() !== '') query.set(key, filters[key].trim());
  if (after !== null) query.set('after', String(after));
  query.set('limit', '100');
  return `/api/v1/audit?${query.toString()}`;
}

/** A change as one short line: the fields and their values, cut at a readable length. */
function shown(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** The audit log: every write, who made it, when, what changed, from where (admins, controllers). */
export function AuditPage() {
  // `?item=milestones/M-GOLIVE` opens an item's history (the plan editor links here).
  const [params] = useSearchParams();
  const [draft, setDraft] = useState<Filters>(() => ({
    ...NO_FILTERS,
    item: params.get('item') ?? '',
  }));
  const [filters, setFilters] = useState<Filters>(draft);
  const { nameOf } = useLabels();
  const [pages, setPages] = useState<(number | null)[]>([null]);
  const after = pages.at(-1) ?? null;
  const list = useApi<AuditList>(pathOf(filters, after));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
    setPages([null]);
  };
  const field = (key: keyof Filters, label: string, placeholder: string) => (
    <TextInput
      label={label}
      placeholder={placeholder}
      value={draft[key]}
      onChange={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })}
      maw={220}
    />
  );
  return (
    <Page title="Audit log" documentTitle="Audit log" eyebrow="Every write" testId="audit-page">
      <Card padding="md">
        <form onSubmit={submit} aria-label="Filter the audit log">
          <Group align="flex-end" gap="sm" wrap="wrap">
            {field('person', 'Person or source', 'lena, source:jira:acme')}
            {field('item', 'Item', 'kpis/K-SAVINGS or decision/')}
            {field('from', 'From', '2026-09-14')}
            {field('to', 'Before', '2026-09-15T12:00:00Z')}
            <Button type="submit">Filter</Button>
          </Group>
        </form>
      </Card>
      {list.data === null ? (
        list.error === null ? (
          <Loading label="Loading the audit log" />
        ) : (
          <Failed error={list.error} />
        )
      ) : (
        <Stack gap="sm">
          {list.error !== null && <Failed error={list.error} />}
          <Text c="dimmed" size="sm" data-testid="audit-summary">
            {count(list.data.entries.length, 'entry', 'entries')} on this page, oldest first.
          </Text>
          <Card padding={0} className="table-card">
            <Table.ScrollContainer minWidth={720}>
              <Table striped data-testid="audit-table">
                <caption className="visually-hidden">Audit log entries</caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Who</Table.Th>
                    <Table.Th>What</Table.Th>
                    <Table.Th>Item</Table.Th>
                    <Table.Th>Change</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.data.entries.map((entry) => (
                    <Table.Tr key={entry.seq}>
                      <Table.Td>{formatInstant(entry.at)}</Table.Td>
                      <Table.Td>
                        {entry.actor.includes(':') ? entry.actor : nameOf(entry.actor)}
                        <Text size="xs" c="dimmed">
                          {[entry.origin.via, entry.origin.ip].filter(Boolean).join(' · ')}
                        </Text>
                      </Table.Td>
                      <Table.Td>{entry.action}</Table.Td>
                      <Table.Td>{entry.item ?? ''}</Table.Td>
                      <Table.Td>
                        {entry.before !== null && (
                          <Text size="xs">
                            before <Code>{shown(entry.before)}</Code>
                          </Text>
                        )}
                        {entry.after !== null && (
                          <Text size="xs">
                            after <Code>{shown(entry.after)}</Code>
                          </Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Card>
          <Group gap="sm">
            <Button
              variant="default"
              disabled={pages.length === 1}
              onClick={() => setPages(pages.slice(0, -1))}
            >
              Earlier page
            </Button>
            <Button
              variant="default"
              disabled={list.data.next === null}
              onClick={() => setPages([...pages, list.data?.next ?? null])}
            >
              Next page
            </Button>
          </Group>
        </Stack>
      )}
    </Page>
  );
}
