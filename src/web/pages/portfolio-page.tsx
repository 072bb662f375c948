import { Card, Group, NativeSelect, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { PortfolioView, Status } from '../api/types.ts';
import { EntityLink } from '../components/entity-link.tsx';
import { Failed, Loading, Page } from '../components/page.tsx';
import { StageBadge, stageLabel } from '../components/stage-gate.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { count, formatDate, formatValue, STATUS_LABEL } from '../format/format.ts';
import { useApi } from '../live/use-api.ts';

type Sort = 'money' | 'date';

/** A gate criterion's id in words. */
const CRITERION_WORDS: Record<string, string> = {
  owner: 'an owner',
  objectives: 'objectives served',
  budget: 'a budget',
  benefits: 'benefits',
  milestones: 'milestones',
  approval: 'an approval recorded',
  milestones_done: 'every milestone done',
  value_validated: 'validated value',
};

const STATUSES: Status[] = ['on_track', 'at_risk', 'off_track'];

function isStatus(value: string): value is Status {
  return (STATUSES as string[]).includes(value);
}

/**
 * The portfolio (docs/GOVERNANCE.md "Stage gates"): every initiative the viewer may see, by
 * stage, with money per stage; filtered by unit, owner, stage and delivery status; sorted by the
 * money at stake or by the day of the last gate passed.
 */
export function PortfolioPage() {
  const loaded = useApi<{ portfolio: PortfolioView }>('/api/v1/portfolio');
  const [unit, setUnit] = useState('');
  const [owner, setOwner] = useState('');
  // `?owner=priya`: what a person owns (the header's search leads here from a person).
  const [params] = useSearchParams();
  const ownerParam = params.get('owner') ?? '';
  useEffect(() => setOwner(ownerParam), [ownerParam]);
  const [stage, setStage] = useState('');
  const [status, setStatus] = useState('');
  const [sort, setSort] = useState<Sort>('money');
  const portfolio = loaded.data?.portfolio ?? null;
  const rows = useMemo(() => {
    if (portfolio === null) return [];
    const all = portfolio.stages.flatMap((s) => s.initiatives);
    const kept = all.filter(
      (i) =>
        (unit === '' || i.unit === unit) &&
        (owner === '' || i.owner === owner) &&
        (stage === '' || i.stage === stage) &&
        (status === '' || portfolio.statuses[i.id]?.delivery === status),
    );
    return kept.sort((a, b) =>
      sort === 'money'
        ? b.budget.plan - a.budget.plan || a.id.localeCompare(b.id)
        : (b.lastPassedOn ?? '').localeCompare(a.lastPassedOn ?? '') || a.id.localeCompare(b.id),
    );
  }, [portfolio, unit, owner, stage, status, sort]);
  if (portfolio === null)
    return (
      <Page title="Portfolio" documentTitle="Portfolio" eyebrow="Initiatives by stage">
        {loaded.error === null ? <Loading /> : <Failed error={loaded.error} />}
      </Page>
    );
  const currency = portfolio.currency;
  const ownerName = new Map(portfolio.owners.map((o) => [o.id, o.name]));
  const stagesShown = portfolio.stages.filter((s) => s.initiatives.length > 0);
  return (
    <Page
      title="Portfolio"
      documentTitle="Portfolio"
      eyebrow="Initiatives by stage"
      testId="portfolio-page"
    >
      {loaded.error !== null && <Failed error={loaded.error} />}
      <Card component="section" aria-labelledby="stages-heading" padding="sm">
        <Title order={2} id="stages-heading" className="section-title" px="sm" pt="xs">
          Money per stage
        </Title>
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing={6} striped data-testid="stage-money">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Stage</Table.Th>
                <Table.Th scope="col" ta="right">
                  Initiatives
                </Table.Th>
                <Table.Th scope="col" ta="right">
                  Budget planned
                </Table.Th>
                <Table.Th scope="col" ta="right">
                  Committed
                </Table.Th>
                <Table.Th scope="col" ta="right">
                  Actual
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {stagesShown.map((s) => (
                <Table.Tr key={s.stage} data-stage={s.stage}>
                  <Table.Th scope="row">{stageLabel(s.stage)}</Table.Th>
                  <Table.Td ta="right">{s.initiatives.length}</Table.Td>
                  <Table.Td ta="right">{formatValue(s.money.plan, currency)}</Table.Td>
                  <Table.Td ta="right">{formatValue(s.money.committed, currency)}</Table.Td>
                  <Table.Td ta="right">{formatValue(s.money.actual, currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
            <Table.Tfoot>
              <Table.Tr>
                <Table.Th scope="row">Total</Table.Th>
                <Table.Th ta="right">
                  {stagesShown.reduce((n, s) => n + s.initiatives.length, 0)}
                </Table.Th>
                <Table.Th ta="right">{formatValue(portfolio.total.plan, currency)}</Table.Th>
                <Table.Th ta="right">{formatValue(portfolio.total.committed, currency)}</Table.Th>
                <Table.Th ta="right">{formatValue(portfolio.total.actual, currency)}</Table.Th>
              </Table.Tr>
            </Table.Tfoot>
          </Table>
        </Table.ScrollContainer>
      </Card>
      <Card component="section" aria-labelledby="initiatives-heading">
        <Stack gap="sm">
          <Title order={2} id="initiatives-heading" className="section-title">
            Initiatives
          </Title>
          <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }} spacing="sm">
            <NativeSelect
              label="Unit"
              value={unit}
              onChange={(e) => setUnit(e.currentTarget.value)}
              data={[
                { value: '', label: 'Every unit' },
                ...portfolio.units.map((u) => ({ value: u.id, label: u.name })),
              ]}
            />
            <NativeSelect
              label="Owner"
              value={owner}
              onChange={(e) => setOwner(e.currentTarget.value)}
              data={[
                { value: '', label: 'Every owner' },
                ...portfolio.owners.map((o) => ({ value: o.id, label: o.name })),
              ]}
            />
            <NativeSelect
              label="Stage"
              value={stage}
              onChange={(e) => setStage(e.currentTarget.value)}
              data={[
                { value: '', label: 'Every stage' },
                ...portfolio.stages.map((s) => ({ value: s.stage, label: stageLabel(s.stage) })),
              ]}
            />
            <NativeSelect
              label="Delivery status"
              value={status}
              onChange={(e) => setStatus(e.currentTarget.value)}
              data={[
                { value: '', label: 'Every status' },
                ...STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] })),
              ]}
            />
            <NativeSelect
              label="Sort by"
              value={sort}
              onChange={(e) => setSort(e.currentTarget.value === 'date' ? 'date' : 'money')}
              data={[
                { value: 'money', label: 'Money at stake' },
                { value: 'date', label: 'Last gate passed' },
              ]}
            />
          </SimpleGrid>
          <Text size="sm" c="dimmed" data-testid="portfolio-summary">
            {count(rows.length, 'initiative')} shown.
          </Text>
          <Table.ScrollContainer minWidth={880}>
            <Table verticalSpacing={6} data-testid="portfolio-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Initiative</Table.Th>
                  <Table.Th scope="col">Stage</Table.Th>
                  <Table.Th scope="col">Gate ahead</Table.Th>
                  <Table.Th scope="col">Owner</Table.Th>
                  <Table.Th scope="col">Delivery</Table.Th>
                  <Table.Th scope="col" ta="right">
                    Budget planned
                  </Table.Th>
                  <Table.Th scope="col">Last gate</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((i) => {
                  const delivery = portfolio.statuses[i.id]?.delivery ?? '';
                  return (
                    <Table.Tr key={i.id} data-initiative={i.id}>
                      <Table.Td>
                        <EntityLink kind="initiative" id={i.id} fw={600} />
                        <Text size="xs" c="dimmed">
                          {i.unit}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <StageBadge stage={i.stage} size="sm" />
                      </Table.Td>
                      <Table.Td>
                        {i.gate === null ? (
                          '—'
                        ) : i.gatePasses ? (
                          <Text size="sm">Ready for {stageLabel(i.gate).toLowerCase()}</Text>
                        ) : (
                          <Text size="sm" c="red.9">
                            Blocked at {stageLabel(i.gate).toLowerCase()}: missing{' '}
                            {i.missing.map((m) => CRITERION_WORDS[m] ?? m).join(', ')}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{ownerName.get(i.owner) ?? i.owner}</Table.Td>
                      <Table.Td>
                        {isStatus(delivery) ? <StatusBadge status={delivery} size="sm" /> : '—'}
                      </Table.Td>
                      <Table.Td ta="right">{formatValue(i.budget.plan, i.currency)}</Table.Td>
                      <Table.Td>
                        {i.lastPassedOn === null ? '—' : formatDate(i.lastPassedOn)}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group gap="xs">
            <Text size="xs" c="dimmed">
              Money is the total of the plan&apos;s budget lines, in {currency}; only the
              initiatives you may see are counted.
            </Text>
          </Group>
        </Stack>
      </Card>
    </Page>
  );
}
