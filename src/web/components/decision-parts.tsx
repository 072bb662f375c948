import { Anchor, Badge, Table, Text } from '@mantine/core';
import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import type { Decision, ScenarioChange } from '../api/decision-types.ts';
import { formatAmount, formatDate, formatValue } from '../format/format.ts';
import { useDirectory } from '../live/use-directory.ts';
import { useStateIndex } from '../live/use-state-index.ts';

/** Decision kinds in words, as the queue and the decision page say them. */
export const KIND_LABEL: Record<string, string> = {
  replan: 'Re-plan',
  add_capacity: 'Add capacity',
  reprioritise: 'Re-prioritise',
  scope_change: 'Scope change',
  hold: 'Hold',
  stop: 'Stop',
  go_no_go: 'Go / no-go',
};

/** Names of the plan's entities and people, from the live view: `ERP go-live (M-GOLIVE)`. */
export interface EntityNames {
  /** A person's name (the id when the view does not know them). */
  person: (id: string) => string;
  /** An objective, KPI, initiative or milestone as `Name (ID)`; the id alone when unknown. */
  entity: (id: string) => string;
}

/** Entity and person names from the live strategic view. */
export function useEntityNames(): EntityNames {
  const index = useStateIndex();
  const directory = useDirectory();
  return useMemo(() => {
    const nameOf = (id: string): string | undefined =>
      index?.milestones.get(id)?.milestone.name ??
      index?.initiatives.get(id)?.initiative.name ??
      index?.kpis.get(id)?.kpi.name ??
      index?.objectives.get(id)?.objective.name;
    return {
      person: (id: string) => index?.people.get(id)?.name ?? directory.people.get(id) ?? id,
      entity: (id: string) => {
        const name = nameOf(id);
        return name === undefined ? id : `${name} (${id})`;
      },
    };
  }, [index, directory]);
}

/** One scenario change in words, naming what it touches. */
export function changeInWords(change: ScenarioChange, names: EntityNames): string {
  switch (change.kind) {
    case 'move_milestone':
      return `Re-plan ${names.entity(change.milestone)} to ${formatDate(change.plannedDate)}`;
    case 'accept_slip':
      return `Accept the slip of ${names.entity(change.milestone)}: its forecast becomes its plan`;
    case 'add_capacity':
      return `Add ${change.perWeek} per week to ${change.unit} from ${formatDate(change.from)} to ${formatDate(change.to)}${
        change.cost === undefined
          ? ''
          : `, costing ${formatAmount(change.cost.amount)} in ${change.cost.period}${
              change.cost.initiative === undefined
                ? ''
                : ` on the budget of ${names.entity(change.cost.initiative)}`
            }`
      }`;
    case 'move_demand':
      return `Move demand ${change.demand}${change.from === undefined ? '' : ` from ${formatDate(change.from)}`}${
        change.to === undefined ? '' : ` to ${formatDate(change.to)}`
      }`;
    case 'prioritise':
      return `At ${change.unit}, ${names.entity(change.initiative)} goes before ${change.over
        .map(names.entity)
        .join(', ')}`;
    case 'move_budget':
      return `Move ${formatValue(change.amount, '')} of budget from ${names.entity(change.from.initiative)} ${change.from.period} to ${names.entity(change.to.initiative)} ${change.to.period}`;
    case 'descope_milestone':
      return `Drop ${names.entity(change.milestone)} with its benefits and demands`;
    case 'descope_benefit':
      return `Drop benefit ${change.benefit}`;
    case 'hold_initiative':
      return `Hold ${names.entity(change.initiative)}${change.until === undefined ? '' : ` until ${formatDate(change.until)}`}: ${change.reason}`;
    case 'stop_initiative':
      return `Stop ${names.entity(change.initiative)}`;
  }
}

/** The money a decision is about: how far the forecasts fall short of target now. */
export function moneyAtStake(decision: Decision): string {
  const first = decision.options[0];
  if (first === undefined) return '—';
  const { totals } = first.result;
  return formatValue(totals.moneyAtStake.againstTarget.before, totals.currency);
}

/** The most money any option moves (cost, budget, money put short of target). */
export function largestAmount(decision: Decision): string {
  const first = decision.options[0];
  if (first === undefined) return '—';
  const most = Math.max(...decision.options.map((o) => o.effect.amount));
  return formatValue(most, first.result.totals.currency);
}

/** Open ones first (soonest due first), then decided ones, newest first. */
export function queueOrder(decisions: readonly Decision[]): Decision[] {
  const due = (d: Decision) => d.dueDate ?? '9999-12-31';
  return [...decisions].sort((a, b) =>
    a.status !== b.status
      ? a.status === 'open'
        ? -1
        : 1
      : a.status === 'open'
        ? due(a).localeCompare(due(b)) || a.openedAt.localeCompare(b.openedAt)
        : b.openedAt.localeCompare(a.openedAt),
  );
}

/** Open or decided, in colours that keep their contrast. */
export function DecisionStatusBadge({
  status,
  size = 'sm',
}: {
  status: Decision['status'];
  size?: 'sm' | 'lg';
}) {
  return (
    <Badge
      size={size}
      radius="sm"
      data-testid="decision-status"
      styles={{
        root: {
          textTransform: 'none',
          color: status === 'open' ? '#8a3c00' : '#0b5e3c',
          backgroundColor: status === 'open' ? '#fff4e6' : '#e6fcf5',
        },
      }}
    >
      {status === 'open' ? 'Open' : 'Decided'}
    </Badge>
  );
}

/** A table of decisions: what, due, who decides, money at stake, status; each links to its page. */
export function DecisionTable({
  decisions,
  caption,
  testId,
}: {
  decisions: readonly Decision[];
  caption: string;
  testId: string;
}) {
  const names = useEntityNames();
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover data-testid={testId} captionSide="top">
        <Table.Caption className="visually-hidden">{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Decision</Table.Th>
            <Table.Th scope="col">Kind</Table.Th>
            <Table.Th scope="col">Due</Table.Th>
            <Table.Th scope="col">Decider</Table.Th>
            <Table.Th scope="col">Money at stake</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {decisions.map((d) => (
            <Table.Tr key={d.id} data-decision-id={d.id} data-status={d.status}>
              <Table.Td>
                <Anchor component={Link} to={`/decisions/${encodeURIComponent(d.id)}`} fz="sm">
                  {d.title}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {d.id} · {d.options.length} options
                </Text>
              </Table.Td>
              <Table.Td>{d.kinds.map((k) => KIND_LABEL[k] ?? k).join(', ')}</Table.Td>
              <Table.Td data-testid="decision-due">{formatDate(d.dueDate)}</Table.Td>
              <Table.Td data-testid="decision-decider">{names.person(d.decider.person)}</Table.Td>
              <Table.Td>{moneyAtStake(d)}</Table.Td>
              <Table.Td>
                <DecisionStatusBadge status={d.status} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
