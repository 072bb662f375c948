import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api, apiPath } from '../api/client.ts';
import type { BenefitValueView } from '../api/types.ts';
import { formatValue } from '../format/format.ts';
import { useApi } from '../live/use-api.ts';
import { Failed, Loading } from './page.tsx';

const STATUS_WORDS = { in_progress: 'In progress', claimed: 'Claimed', validated: 'Validated' };

/** Claimed or validated in words and a badge with dark text (never colour alone). */
function ValueBadge({ status }: { status: keyof typeof STATUS_WORDS }) {
  const colours = {
    validated: { background: '#e6f4ea', color: '#1e4620' },
    claimed: { background: '#fff4e5', color: '#663c00' },
    in_progress: { background: '#eef2ff', color: '#27306b' },
  }[status];
  return (
    <Badge radius="sm" variant="light" styles={{ root: colours }} data-testid="value-status">
      {STATUS_WORDS[status]}
    </Badge>
  );
}

/** A finance controller confirms a period's realised amount with a note. */
function ValidateForm({ value, onDone }: { value: BenefitValueView; onDone: () => void }) {
  const open = value.periods.filter((p) => p.status !== 'in_progress');
  const [period, setPeriod] = useState<string | null>(open.at(-1)?.period ?? null);
  const [amount, setAmount] = useState<number | string>(open.at(-1)?.claimed ?? '');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  if (open.length === 0) return null;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api(`${apiPath('benefits', value.benefit)}/validations`, {
        method: 'POST',
        body: { period, amount: Number(amount), note },
      });
      setNote('');
      onDone();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-label={`Validate the value of ${value.benefit}`}>
      <Stack gap="xs">
        <Group grow align="flex-start">
          <Select
            label="Period"
            data={open.map((p) => p.period)}
            value={period}
            onChange={setPeriod}
            allowDeselect={false}
          />
          <NumberInput
            label="Realised amount"
            value={amount}
            onChange={setAmount}
            min={0}
            thousandSeparator=","
            required
          />
        </Group>
        <Textarea
          label="Note"
          description="What the confirmation rests on (the ledger, the invoices …)"
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          autosize
          minRows={2}
          maxLength={2000}
          required
        />
        <Group>
          <Button
            type="submit"
            loading={busy}
            disabled={note.trim() === '' || period === null || amount === ''}
          >
            Validate
          </Button>
        </Group>
        {error === null ? null : (
          <Alert color="red" title="Not validated" role="alert">
            {error.message}
          </Alert>
        )}
      </Stack>
    </form>
  );
}

function BenefitValueCard({ id }: { id: string }) {
  const [reload, setReload] = useState(0);
  const loaded = useApi<BenefitValueView>(`${apiPath('benefits', id)}/value`, reload);
  if (loaded.status === 'error' && loaded.data === null) return <Failed error={loaded.error} />;
  const v = loaded.data;
  if (v === null) return <Loading />;
  return (
    <Stack gap="xs" data-testid={`value-${id}`}>
      <Group gap="sm">
        <Text fw={700}>{v.benefit}</Text>
        <Text size="sm" c="dimmed">
          {v.milestone} → {v.kpi}
          {v.landedOn === null ? ': not landed yet' : `, landed ${v.landedOn}`}
        </Text>
        {v.status === 'none' ? null : <ValueBadge status={v.status} />}
      </Group>
      {v.shortfallStreak >= v.periodsNeeded ? (
        <Alert color="red" title="Below its promise">
          {`${Math.round(v.threshold * 100)}% or more below what it promised for ${v.shortfallStreak} periods`}
        </Alert>
      ) : null}
      {v.periods.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing realised to set against the promise yet.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Period</Table.Th>
                <Table.Th scope="col">Promised</Table.Th>
                <Table.Th scope="col">Claimed</Table.Th>
                <Table.Th scope="col">Validated</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {v.periods.map((p) => (
                <Table.Tr key={p.period}>
                  <Table.Td>{p.period}</Table.Td>
                  <Table.Td>{formatValue(p.promised, 'USD')}</Table.Td>
                  <Table.Td>{formatValue(p.claimed, 'USD')}</Table.Td>
                  <Table.Td>
                    {p.validation === null ? (
                      '—'
                    ) : (
                      <>
                        {formatValue(p.validation.amount, 'USD')}
                        <Text size="xs" c="dimmed">
                          by {p.validation.by}: {p.validation.note}
                        </Text>
                      </>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <ValueBadge status={p.status} />
                    {p.belowPromise ? (
                      <Text size="xs" c="red.9" fw={700}>
                        below promise
                      </Text>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {v.mayValidate ? (
        <ValidateForm value={v} onDone={() => setReload((n) => n + 1)} />
      ) : v.periods.some((p) => p.status === 'claimed') ? (
        <Text size="sm" c="dimmed">
          {v.whoMayValidate ?? ''}
        </Text>
      ) : null}
    </Stack>
  );
}

/**
 * Validated value (docs/GOVERNANCE.md "Validated value"): each benefit of an initiative, period by
 * period, claimed until a finance controller (never the initiative's owner) validates it.
 */
export function ValuePanel({ initiative }: { initiative: string }) {
  const loaded = useApi<{ benefits: { benefit: string }[] }>(
    `${apiPath('initiatives', initiative)}/money`,
  );
  return (
    <Card component="section" aria-labelledby="value-heading" data-testid="value-panel">
      <Stack gap="sm">
        <Title order={2} id="value-heading" className="section-title">
          Validated value
        </Title>
        {loaded.status === 'error' && loaded.data === null ? (
          <Failed error={loaded.error} />
        ) : loaded.data === null ? (
          <Loading />
        ) : loaded.data.benefits.length === 0 ? (
          <Text size="sm" c="dimmed">
            This initiative promises no benefit.
          </Text>
        ) : (
          loaded.data.benefits.map((b) => <BenefitValueCard key={b.benefit} id={b.benefit} />)
        )}
      </Stack>
    </Card>
  );
}
