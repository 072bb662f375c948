import { Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useCallback } from 'react';
import { useParams } from 'react-router-dom';
import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import { apiPath } from '../api/client.ts';
import type { Explained, SignalList } from '../api/types.ts';
import { CauseChain } from '../components/cause-chain.tsx';
import { EntityLink } from '../components/entity-link.tsx';
import { Explanation } from '../components/explanation.tsx';
import { KpiChart } from '../components/lazy-charts.tsx';
import { Failed, Loading, Page } from '../components/page.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { formatDate, formatInstant, formatSigned, formatValue } from '../format/format.ts';
import { useApi } from '../live/use-api.ts';
import { useKnownAtIndex, useKnownAtPath } from '../api/known-at.ts';
import { KnownAtControl } from '../components/known-at-control.tsx';
import { KpiForecastHistory } from '../components/kpi-forecast-history.tsx';
import { useLabels, useStateIndex } from '../live/use-state-index.ts';

/** A KPI: actuals, forecast built from benefits, target per period; and what moved it last. */
export function KpiPage() {
  const { id = '' } = useParams();
  const index = useKnownAtIndex(useStateIndex());
  const labels = useLabels();
  const explained = useApi<Explained<unknown, unknown>>(useKnownAtPath(apiPath('kpis', id)));
  const plan = useApi<PlanFile>('/api/v1/plan');
  const history = useApi<SignalList>('/api/v1/signals?status=all');
  const benefitLabel = useCallback(
    (benefitId: string) => {
      const benefit = plan.data?.benefits?.find((b) => b.id === benefitId);
      const milestone = plan.data?.milestones?.find((m) => m.id === benefit?.milestone);
      const initiative = plan.data?.initiatives?.find((i) => i.id === milestone?.initiative);
      return initiative === undefined ? benefitId : `${initiative.name} (${benefitId})`;
    },
    [plan.data],
  );
  if (index === null) return <Loading />;
  const found = index.kpis.get(id);
  if (found === undefined) {
    return explained.status === 'error' ? <Failed error={explained.error} /> : <Loading />;
  }
  const { kpi, objectives } = found;
  const unit = kpi.unitOfMeasure;
  // The latest signal about this KPI itself, else the latest whose chain runs through it.
  const own = (s: { subject: { kind: string; id: string } }): number =>
    s.subject.kind === 'kpi' && s.subject.id === id ? 0 : 1;
  const lastChange = (history.data?.signals ?? [])
    .filter((s) => s.chain.some((step) => step.kind === 'kpi' && step.id === id))
    .sort((a, b) => own(a) - own(b) || b.updatedAt.localeCompare(a.updatedAt))[0];
  const benefitRows = kpi.periods.flatMap((p) =>
    p.benefits.map((b) => ({ period: p.period, ...b })),
  );
  return (
    <Page
      title={kpi.name}
      documentTitle={kpi.name}
      eyebrow={`KPI · ${kpi.id} · ${unit} · ${kpi.direction === 'higher_is_better' ? 'higher is better' : 'lower is better'}`}
      crumbs={[{ label: 'Strategy map', to: '/' }]}
      relations={[
        {
          label: 'Measures',
          links: objectives.map((o) => ({
            label: o.name,
            to: `/objectives/${encodeURIComponent(o.id)}`,
          })),
        },
      ]}
      actions={<StatusBadge status={kpi.status} size="xl" />}
      testId="kpi-page"
    >
      <KnownAtControl />
      <Text size="sm" c="dimmed">
        Owner {kpi.owner?.name ?? '—'} · {kpi.status?.reason}
      </Text>
      <Card component="section" aria-labelledby="kpi-chart-title">
        <Stack gap="sm">
          <Title order={2} id="kpi-chart-title" className="section-title">
            Forecast against target, per period
          </Title>
          <Text size="sm" c="dimmed">
            Bars: actuals, or the forecast built up from the baseline and each initiative&apos;s
            benefit. Dashed line: the target. Open circle: the forecast had every milestone landed
            on plan.
          </Text>
          <KpiChart kpi={kpi} benefitLabel={benefitLabel} />
        </Stack>
      </Card>
      <KpiForecastHistory kpiId={id} />
      <Card component="section" aria-labelledby="kpi-last-change" data-testid="kpi-last-change">
        <Stack gap="sm">
          <Title order={2} id="kpi-last-change" className="section-title">
            What changed the forecast last
          </Title>
          {lastChange === undefined ? (
            <Text size="sm" c="dimmed">
              Nothing has moved this forecast since the plan was applied.
            </Text>
          ) : (
            <>
              <Group gap="xs">
                <Text size="sm" fw={600}>
                  {lastChange.title}
                </Text>
                <Text size="xs" c="dimmed">
                  {lastChange.status === 'resolved'
                    ? `resolved ${formatInstant(lastChange.resolvedAt)}`
                    : `raised ${formatInstant(lastChange.raisedAt)}`}
                </Text>
              </Group>
              <CauseChain chain={lastChange.chain} unitOf={labels.unitOf} />
            </>
          )}
        </Stack>
      </Card>
      <Card component="section" aria-labelledby="kpi-periods" padding="sm">
        <Title order={2} id="kpi-periods" className="section-title" px="sm" pt="xs">
          Periods
        </Title>
        <Table.ScrollContainer minWidth={680}>
          <Table verticalSpacing={6} striped data-testid="kpi-period-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Period</Table.Th>
                <Table.Th scope="col" ta="right">
                  Target
                </Table.Th>
                <Table.Th scope="col" ta="right">
                  Actual
                </Table.Th>
                <Table.Th scope="col" ta="right">
                  Forecast
                </Table.Th>
                <Table.Th scope="col" ta="right">
                  Had milestones landed on plan
                </Table.Th>
                <Table.Th scope="col" ta="right">
                  Against target
                </Table.Th>
                <Table.Th scope="col">Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {kpi.periods.map((p) => (
                <Table.Tr key={p.period}>
                  <Table.Th scope="row">
                    {p.period}
                    <Text size="xs" c="dimmed" fw={400}>
                      {formatDate(p.start)} – {formatDate(p.end)}
                    </Text>
                  </Table.Th>
                  <Table.Td ta="right">{formatValue(p.target, unit)}</Table.Td>
                  <Table.Td ta="right">{formatValue(p.actual, unit)}</Table.Td>
                  <Table.Td ta="right" fw={700}>
                    {formatValue(p.forecast, unit)}
                  </Table.Td>
                  <Table.Td ta="right">{formatValue(p.forecastAtPlan, unit)}</Table.Td>
                  <Table.Td ta="right" c={p.gap !== null && p.gap < 0 ? 'red.9' : undefined}>
                    {p.gap === null ? '—' : formatSigned(p.gap, unit)}
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={p.status} size="sm" />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      <Card component="section" aria-labelledby="kpi-benefits" padding="sm">
        <Title order={2} id="kpi-benefits" className="section-title" px="sm" pt="xs">
          Benefit contributions
        </Title>
        {benefitRows.length === 0 ? (
          <Text size="sm" c="dimmed" p="sm">
            No initiative&apos;s benefit feeds this KPI: its forecast is its actuals, or its
            baseline.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing={6}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Period</Table.Th>
                  <Table.Th scope="col">Benefit</Table.Th>
                  <Table.Th scope="col">From milestone</Table.Th>
                  <Table.Th scope="col">Counts from</Table.Th>
                  <Table.Th scope="col" ta="right">
                    Days
                  </Table.Th>
                  <Table.Th scope="col" ta="right">
                    Amount
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {benefitRows.map((b) => (
                  <Table.Tr key={`${b.period}:${b.benefit}`}>
                    <Table.Td>{b.period}</Table.Td>
                    <Table.Td>{benefitLabel(b.benefit)}</Table.Td>
                    <Table.Td>
                      <EntityLink kind="milestone" id={b.milestone} />
                    </Table.Td>
                    <Table.Td>{formatDate(b.from)}</Table.Td>
                    <Table.Td ta="right">{b.days}</Table.Td>
                    <Table.Td ta="right">{formatValue(b.amount, unit)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      <Card component="section" aria-labelledby="kpi-why">
        <Stack gap="sm">
          <Title order={2} id="kpi-why" className="section-title">
            Why this forecast and status
          </Title>
          {explained.data === null ? (
            <Loading />
          ) : (
            <Explanation steps={explained.data.explanation} />
          )}
        </Stack>
      </Card>
    </Page>
  );
}
