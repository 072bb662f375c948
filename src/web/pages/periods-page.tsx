import { Alert, Badge, Button, Card, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, apiPath } from '../api/client.ts';
import { mayDo, type PeriodAnswer, type PeriodList } from '../api/types.ts';
import { Failed, Loading, Page } from '../components/page.tsx';
import { formatInstant } from '../format/format.ts';
import { useApi } from '../live/use-api.ts';
import { useMe } from '../live/session-context.tsx';

function figure(value: number | null): string {
  return value === null ? '—' : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

function signed(value: number): string {
  return `${value > 0 ? '+' : ''}${figure(value)}`;
}

/** Closing a period: a month or a quarter, for finance controllers (docs/GOVERNANCE.md). */
function CloseForm({ onClosed }: { onClosed: (period: string) => void }) {
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api(`${apiPath('periods', label.trim())}/close`, { method: 'POST', body: {} });
      onClosed(label.trim());
      setLabel('');
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card padding="md">
      <form onSubmit={(e) => void submit(e)} aria-label="Close a period">
        <Group align="flex-end" gap="sm">
          <TextInput
            label="Period to close"
            description="A month (2026-09) or a quarter (2026-Q3)"
            placeholder="2026-09"
            value={label}
            onChange={(e) => setLabel(e.currentTarget.value)}
            maw={260}
            required
          />
          <Button type="submit" loading={busy} data-testid="close-period">
            Close period
          </Button>
        </Group>
      </form>
      {error !== null && (
        <Alert color="red" role="alert" mt="sm" variant="light" data-testid="close-error">
          <Text size="sm" c="dark.7">
            {error}
          </Text>
        </Alert>
      )}
    </Card>
  );
}

function PeriodDetail({ period, reloadKey }: { period: string; reloadKey: number }) {
  const shown = useApi<PeriodAnswer>(apiPath('periods', period), reloadKey);
  if (shown.data === null)
    return shown.error === null ? (
      <Loading label={`Loading ${period}`} />
    ) : (
      <Failed error={shown.error} />
    );
  const view = shown.data.period;
  return (
    <Stack gap="sm" data-testid="period-detail">
      <Text size="sm" c="dimmed">
        {view.period} was closed by {view.closedByName} on {formatInstant(view.closedAt)}. Its
        figures are frozen: an import, a push or a plan change that would move one is refused. A
        controller corrects one with an adjustment, shown beside it.
      </Text>
      <Card padding={0} className="table-card">
        <Table.ScrollContainer minWidth={640}>
          <Table striped data-testid="frozen-figures">
            <caption className="visually-hidden">Frozen figures of {view.period}</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Figure</Table.Th>
                <Table.Th>Frozen</Table.Th>
                <Table.Th>Adjustments</Table.Th>
                <Table.Th>Stands at</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {view.figures.map((f) => (
                <Table.Tr key={f.label}>
                  <Table.Td>{f.label}</Table.Td>
                  <Table.Td>{figure(f.frozen)}</Table.Td>
                  <Table.Td>
                    {f.adjustments.length === 0
                      ? 'none'
                      : f.adjustments.map((a) => (
                          <Text size="sm" key={`${a.at}-${a.amount}`}>
                            {signed(a.amount)} by {a.by} ({formatInstant(a.at)}): {a.reason}
                          </Text>
                        ))}
                  </Table.Td>
                  <Table.Td>{figure(f.standing)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      {view.forecast.kpis.length + view.forecast.milestones.length > 0 && (
        <Card padding="md">
          <Text fw={600} size="sm" mb={4}>
            The forecast as it stood at closing
          </Text>
          {view.forecast.kpis.map((k) => (
            <Text size="sm" key={`${k.kpi}-${k.period}`}>
              {k.kpi} {k.period}: {figure(k.forecast)}
              {k.target === null ? '' : ` (target ${figure(k.target)})`}
            </Text>
          ))}
          {view.forecast.milestones.map((m) => (
            <Text size="sm" key={m.milestone}>
              {m.milestone}: planned {m.plannedDate}, forecast {m.forecastDate}
            </Text>
          ))}
        </Card>
      )}
    </Stack>
  );
}

/** Closed reporting periods: who closed them and when, frozen figures, adjustments beside them. */
export function PeriodsPage() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const [reloadKey, setReloadKey] = useState(0);
  const list = useApi<PeriodList>('/api/v1/periods', reloadKey);
  const periods = list.data?.periods ?? [];
  const selected = params.get('period') ?? periods.at(-1)?.period ?? null;
  const select = (period: string) => setParams({ period });
  return (
    <Page
      title="Closed periods"
      documentTitle="Closed periods"
      eyebrow="Governance"
      testId="periods-page"
    >
      {mayDo(me, 'period.close') && (
        <CloseForm
          onClosed={(period) => {
            setReloadKey((k) => k + 1);
            select(period);
          }}
        />
      )}
      {list.data === null ? (
        list.error === null ? (
          <Loading label="Loading the closed periods" />
        ) : (
          <Failed error={list.error} />
        )
      ) : periods.length === 0 ? (
        <Text c="dimmed">No period is closed yet.</Text>
      ) : (
        <Stack gap="md">
          <Card padding={0} className="table-card">
            <Table data-testid="closed-periods">
              <caption className="visually-hidden">Closed periods</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Period</Table.Th>
                  <Table.Th>Closed by</Table.Th>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Figures</Table.Th>
                  <Table.Th>Adjustments</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {periods.map((p) => (
                  <Table.Tr key={p.period}>
                    <Table.Td>
                      <Button
                        variant={p.period === selected ? 'light' : 'subtle'}
                        size="compact-sm"
                        onClick={() => select(p.period)}
                        aria-pressed={p.period === selected}
                      >
                        {p.period}
                      </Button>{' '}
                      <Badge color="gray" variant="light">
                        closed
                      </Badge>
                    </Table.Td>
                    <Table.Td>{p.closedByName}</Table.Td>
                    <Table.Td>{formatInstant(p.closedAt)}</Table.Td>
                    <Table.Td>{p.figures}</Table.Td>
                    <Table.Td>{p.adjustments}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
          {selected !== null && <PeriodDetail period={selected} reloadKey={reloadKey} />}
        </Stack>
      )}
    </Page>
  );
}
