import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  List,
  Radio,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError, apiPath } from '../api/client.ts';
import type { DecideBody } from '../api/types.ts';
import type {
  DecideAnswer,
  Decision,
  DecisionDetail,
  DecisionEventView,
  DecisionOption,
} from '../api/decision-types.ts';
import {
  DecisionStatusBadge,
  type EntityNames,
  KIND_LABEL,
  moneyAtStake,
  useEntityNames,
} from '../components/decision-parts.tsx';
import { DecisionReviewSection } from '../components/decision-review.tsx';
import { EntityLink } from '../components/entity-link.tsx';
import {
  ChosenBadge,
  type ComparedColumn,
  ComparisonTable,
  KpiComparison,
  ResultColumn,
} from '../components/option-results.tsx';
import { Failed, Loading, Page } from '../components/page.tsx';
import { formatDate, formatInstant } from '../format/format.ts';
import { useLive, useLiveStore } from '../live/live-context.tsx';
import { useMe } from '../live/session-context.tsx';
import { useApi } from '../live/use-api.ts';
import { useLabels } from '../live/use-state-index.ts';

/** Where a decision came from: its signal, and the unit or milestone the signal names. */
function Origin({ decision, names }: { decision: Decision; names: EntityNames }) {
  if (decision.signal === null) return <Text size="sm">Opened by hand.</Text>;
  const [kind, subject] = decision.signal.split(':');
  return (
    <Text size="sm" data-testid="decision-signal">
      From signal{' '}
      <Anchor component={Link} to="/signals" fz="inherit">
        {decision.signal}
      </Anchor>
      {subject !== undefined && kind === 'capacity.over_allocated' && (
        <>
          {' '}
          (unit <EntityLink kind="unit" id={subject} />)
        </>
      )}
      {subject !== undefined && kind === 'milestone.slipped' && (
        <>
          {' '}
          (
          <EntityLink kind="milestone" id={subject}>
            {names.entity(subject)}
          </EntityLink>
          )
        </>
      )}
      , opened by {names.person(decision.openedBy)} on {formatInstant(decision.openedAt)}.
    </Text>
  );
}

/** One option, with what it changes and what it does to dates, KPIs, money and capacity. */
function OptionColumn({
  option,
  chosen,
  names,
  unitOf,
}: {
  option: DecisionOption;
  chosen: boolean;
  names: EntityNames;
  unitOf: (kpi: string) => string;
}) {
  return (
    <ResultColumn
      column={optionColumn(option)}
      testId={`option-${option.number}`}
      names={names}
      unitOf={unitOf}
      className={chosen ? 'option-chosen' : undefined}
      badge={chosen ? <ChosenBadge /> : undefined}
      moves={option.effect.amount}
      meta={
        <Text size="xs" c="dimmed">
          {option.effect.kinds.map((k) => KIND_LABEL[k] ?? k).join(', ')} · proposed by{' '}
          {option.proposedBy === 'engine' ? 'the engine' : names.person(option.proposedBy)} ·
          possible until {formatDate(option.lastDay)}
        </Text>
      }
    />
  );
}

/** An option as the comparison shows it. */
function optionColumn(option: DecisionOption): ComparedColumn {
  return {
    title: `${option.number}. ${option.title}`,
    short: String(option.number),
    legend: `Option ${option.number}`,
    changes: option.changes,
    result: option.result,
  };
}

/** One step of the history in words. */
function HistoryStep({ event, names }: { event: DecisionEventView; names: EntityNames }) {
  const detail = event.detail;
  const reason = typeof detail['reason'] === 'string' ? detail['reason'] : null;
  const title = typeof detail['title'] === 'string' ? detail['title'] : null;
  const changes = Array.isArray(detail['planChanges']) ? detail['planChanges'].length : null;
  return (
    <List.Item>
      <Text size="sm">
        <strong>{event.action.replace(/_/g, ' ')}</strong> by {names.person(event.actor)},{' '}
        {formatInstant(event.at)}
        {title !== null && ` — option ${String(detail['option'])}: ${title}`}
        {reason !== null && ` — “${reason}”`}
        {changes !== null && ` — ${changes} plan changes`}
      </Text>
    </List.Item>
  );
}

/** The decide form: shown to everyone; the server refuses whoever may not decide, and says who may. */
function DecideForm({
  decision,
  names,
  onDecided,
}: {
  decision: Decision;
  names: EntityNames;
  onDecided: () => void;
}) {
  const me = useMe();
  const [option, setOption] = useState<string>('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const mine = me.person.id === decision.decider.person;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setRefusal(null);
    try {
      await api<DecideAnswer>(`${apiPath('decisions', decision.id)}/decide`, {
        method: 'POST',
        body: { option: Number(option), reason } satisfies DecideBody,
      });
      onDecided();
    } catch (error) {
      setRefusal(
        error instanceof ApiError || error instanceof Error ? error.message : String(error),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card component="section" aria-labelledby="decide-title" data-testid="decide-form" padding="md">
      <form onSubmit={(e) => void submit(e)}>
        <Stack gap="sm">
          <Title order={2} id="decide-title" className="section-title">
            Decide
          </Title>
          {!mine && (
            <Text size="sm" c="dimmed" data-testid="not-your-decision">
              {names.person(decision.decider.person)} decides this; the server refuses anyone else
              and says why.
            </Text>
          )}
          <Radio.Group value={option} onChange={setOption} label="Option" required>
            <Stack gap={6} mt={6}>
              {decision.options.map((o) => (
                <Radio key={o.number} value={String(o.number)} label={`${o.number}. ${o.title}`} />
              ))}
            </Stack>
          </Radio.Group>
          <Textarea
            label="Reason"
            required
            autosize
            minRows={2}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          {refusal !== null && (
            <Alert color="red" title="Not decided" role="alert" data-testid="decide-refusal">
              <Text size="sm" c="dark.7">
                {refusal}
              </Text>
            </Alert>
          )}
          <Group>
            <Button
              type="submit"
              loading={busy}
              disabled={option === '' || reason.trim() === ''}
              color="dark"
            >
              Decide
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** A decision: the question, where it came from, who decides and why, the options side by side. */
export function DecisionPage() {
  const { id = '' } = useParams();
  const names = useEntityNames();
  const { unitOf } = useLabels();
  const live = useLiveStore();
  const { decisionVersion } = useLive();
  const [reloadKey, setReloadKey] = useState(0);
  // Read again when the state changes, when a decision takes a step, and after deciding here.
  const loaded = useApi<DecisionDetail>(apiPath('decisions', id), reloadKey + decisionVersion);
  if (loaded.data === null)
    return loaded.error === null ? (
      <Loading label="Loading the decision" />
    ) : (
      <Failed error={loaded.error} />
    );
  const { decision, history } = loaded.data;
  const { decider, outcome } = decision;
  const chosen = decision.options.find((o) => o.number === outcome?.option);
  return (
    <Page
      title={decision.title}
      documentTitle={`${decision.id} ${decision.title}`}
      eyebrow={`Decision · ${decision.id} · ${decision.kinds.map((k) => KIND_LABEL[k] ?? k).join(', ')}`}
      crumbs={[{ label: 'Decisions', to: '/decisions' }]}
      actions={<DecisionStatusBadge status={decision.status} size="lg" />}
      testId="decision-page"
    >
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Card component="section" aria-labelledby="question-title" padding="md">
          <Stack gap="xs">
            <Title order={2} id="question-title" className="section-title">
              The question
            </Title>
            <Text size="sm">
              Which of {decision.options.length} options, by{' '}
              <strong data-testid="decision-due">{formatDate(decision.dueDate)}</strong> (the last
              day every option is still possible)? Money short of target now:{' '}
              {moneyAtStake(decision)}.
            </Text>
            <Origin decision={decision} names={names} />
          </Stack>
        </Card>
        <Card component="section" aria-labelledby="decider-title" padding="md">
          <Stack gap="xs">
            <Title order={2} id="decider-title" className="section-title">
              Who decides
            </Title>
            <Text size="sm" data-testid="decision-decider">
              <strong>{names.person(decider.person)}</strong>: {decider.because}
              {decider.escalatesTo !== null &&
                ` If it is not decided in time, it goes to ${names.person(decider.escalatesTo)}.`}
            </Text>
            <Table fz="sm" data-testid="rights-considered">
              <Table.Caption className="visually-hidden">Decision rights weighed</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Right</Table.Th>
                  <Table.Th scope="col">Holder</Table.Th>
                  <Table.Th scope="col">Covers every option?</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {decider.considered.map((c) => (
                  <Table.Tr key={c.right}>
                    <Table.Td>{c.right}</Table.Td>
                    <Table.Td>{c.person === null ? '—' : names.person(c.person)}</Table.Td>
                    <Table.Td>{c.covers ? 'Yes' : `No: ${c.reasons.join('; ')}`}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        </Card>
      </SimpleGrid>
      {outcome !== null && (
        <Alert
          color="teal"
          title="Decided"
          data-testid="decision-outcome"
          variant="light"
          // Teal on its light tint is below 4.5:1 (axe): the title reads in the text's colour.
          styles={{ title: { color: 'var(--mantine-color-dark-7)' } }}
        >
          <Text size="sm" c="dark.7">
            {names.person(outcome.decidedBy)} chose option {outcome.option}
            {chosen !== undefined && ` (${chosen.title})`} on {formatInstant(outcome.decidedAt)}: “
            {outcome.reason}”. The option is applied to the plan.
          </Text>
        </Alert>
      )}
      <DecisionReviewSection detail={loaded.data} />
      <Stack gap="sm" component="section" aria-labelledby="options-title">
        <Title order={2} id="options-title" className="section-title">
          Options, each against doing nothing
        </Title>
        <Card padding="md">
          <ComparisonTable
            columns={decision.options.map(optionColumn)}
            names={names}
            caption="Cost, money and milestone dates of each option against doing nothing"
          />
        </Card>
        <KpiComparison columns={decision.options.map(optionColumn)} names={names} />
        <SimpleGrid
          cols={{
            base: 1,
            md: Math.min(3, decision.options.length),
            xl: Math.min(4, decision.options.length),
          }}
          spacing="md"
        >
          {decision.options.map((o) => (
            <OptionColumn
              key={o.number}
              option={o}
              chosen={o.number === outcome?.option}
              names={names}
              unitOf={unitOf}
            />
          ))}
        </SimpleGrid>
      </Stack>
      {decision.status === 'open' && (
        <DecideForm
          decision={decision}
          names={names}
          onDecided={() => {
            setReloadKey((k) => k + 1);
            void live.refresh();
          }}
        />
      )}
      <Card component="section" aria-labelledby="history-title" padding="md">
        <Stack gap="xs">
          <Title order={2} id="history-title" className="section-title">
            History
          </Title>
          <List spacing={4} data-testid="decision-history">
            {history.map((e) => (
              <HistoryStep key={e.seq} event={e} names={names} />
            ))}
          </List>
        </Stack>
      </Card>
    </Page>
  );
}
