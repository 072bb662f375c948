import { Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { apiPath } from '../api/client.ts';
import { formatSigned, formatValue } from '../format/format.ts';
import { useApi } from '../live/use-api.ts';
import { Failed, Loading } from './page.tsx';

/** The money of an initiative, an objective or the portfolio, as the money API answers it. */
interface Totals {
  plan: number;
  committed: number;
  actual: number;
  eac: number;
  benefitsRealised: number;
  benefitsForecast: number;
  roi: { toDate: number | null; atCompletion: number | null };
}
interface InitiativeMoney extends Totals {
  initiative: string;
  name: string;
  currency: string;
  runRate: number | null;
  variance: number;
  overrun: boolean;
  periods: {
    period: string;
    plan: number;
    committed: number;
    actual: number | null;
    overrun: boolean;
  }[];
}
interface ObjectiveMoney extends Totals {
  objective: string;
  initiatives: { id: string; share: number }[];
}
type Scope =
  { scope: 'portfolio' } | { scope: 'initiative'; id: string } | { scope: 'objective'; id: string };

const percent = (ratio: number | null): string =>
  ratio === null ? '—' : `${ratio >= 0 ? '' : '−'}${Math.abs(Math.round(ratio * 100))}%`;

function Figure({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={700} tt="uppercase">
        {label}
      </Text>
      <Text fw={700} data-testid={`money-${label.toLowerCase().replace(/[^a-z]+/g, '-')}`}>
        {value}
      </Text>
      {hint === undefined ? null : (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </div>
  );
}

function TotalsGrid({ t, currency }: { t: Totals; currency: string }) {
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
      <Figure label="Plan" value={formatValue(t.plan, currency)} />
      <Figure
        label="Actual"
        value={formatValue(t.actual, currency)}
        hint={`committed ${formatValue(t.committed, currency)}`}
      />
      <Figure
        label="Forecast at completion"
        value={formatValue(t.eac, currency)}
        hint={`${formatSigned(t.eac - t.plan, currency)} against plan`}
      />
      <Figure
        label="ROI at completion"
        value={percent(t.roi.atCompletion)}
        hint={`to date ${percent(t.roi.toDate)}; benefits realised ${formatValue(t.benefitsRealised, currency)}, to come ${formatValue(t.benefitsForecast, currency)}`}
      />
    </SimpleGrid>
  );
}

/**
 * Money (docs/GOVERNANCE.md "Money"): budget against actual, the forecast at completion from the
 * run rate, and the return; per period for an initiative, with the initiatives' shares for an
 * objective, the totals for the portfolio.
 */
export function MoneyPanel(props: Scope) {
  const path =
    props.scope === 'portfolio'
      ? '/api/v1/money'
      : `${apiPath(props.scope === 'initiative' ? 'initiatives' : 'objectives', props.id)}/money`;
  const loaded = useApi<{
    currency?: string;
    totals?: Totals;
    money?: InitiativeMoney | ObjectiveMoney;
  }>(path);
  const heading = `money-heading-${props.scope}`;
  return (
    <Card component="section" aria-labelledby={heading} data-testid={`money-panel-${props.scope}`}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} id={heading} className="section-title">
            {props.scope === 'portfolio' ? 'Portfolio money' : 'Money'}
          </Title>
          {loaded.data?.money !== undefined &&
          'overrun' in loaded.data.money &&
          loaded.data.money.overrun ? (
            <Badge color="red.9" variant="filled">
              Overrun
            </Badge>
          ) : null}
        </Group>
        {loaded.status === 'error' && loaded.data === null ? (
          <Failed error={loaded.error} />
        ) : loaded.data === null ? (
          <Loading />
        ) : props.scope === 'portfolio' ? (
          <TotalsGrid t={loaded.data.totals!} currency={loaded.data.currency ?? 'USD'} />
        ) : props.scope === 'objective' ? (
          <>
            <TotalsGrid t={loaded.data.money!} currency={loaded.data.currency ?? 'USD'} />
            <Text size="sm" c="dimmed">
              {(loaded.data.money as ObjectiveMoney).initiatives
                .map((i) => `${i.id} ${Math.round(i.share * 100)}%`)
                .join(' · ') || 'No initiative serves it.'}{' '}
              (an initiative serving several objectives counts an equal share in each)
            </Text>
          </>
        ) : (
          <InitiativeMoneyTable m={loaded.data.money as InitiativeMoney} />
        )}
      </Stack>
    </Card>
  );
}

function InitiativeMoneyTable({ m }: { m: InitiativeMoney }) {
  return (
    <>
      <TotalsGrid t={m} currency={m.currency} />
      <Text size="sm" c="dimmed">
        Run rate {m.runRate === null ? '— (nothing spent yet)' : `${m.runRate.toFixed(2)} of plan`}:
        the rest of the plan is forecast at this rate.
      </Text>
      <Table.ScrollContainer minWidth={480}>
        <Table verticalSpacing={4} data-testid="money-periods">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Period</Table.Th>
              <Table.Th scope="col">Plan</Table.Th>
              <Table.Th scope="col">Committed</Table.Th>
              <Table.Th scope="col">Actual</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {m.periods.map((p) => (
              <Table.Tr key={p.period}>
                <Table.Td>{p.period}</Table.Td>
                <Table.Td>{formatValue(p.plan, m.currency)}</Table.Td>
                <Table.Td>{formatValue(p.committed, m.currency)}</Table.Td>
                <Table.Td c={p.overrun ? 'red.9' : undefined} fw={p.overrun ? 700 : 400}>
                  {p.actual === null ? '—' : formatValue(p.actual, m.currency)}
                  {p.overrun ? ' (over plan)' : ''}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
