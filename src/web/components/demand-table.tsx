import { Table, Text } from '@mantine/core';
import type { DemandRun } from '../api/types.ts';
import { formatAmount, formatWeekRange } from '../format/format.ts';
import { EntityLink } from './entity-link.tsx';

interface DemandTableProps {
  demands: DemandRun[];
  measure: string;
  /** Leave out the unit column (on a unit's own page). */
  withUnit?: boolean;
  caption: string;
}

/** Demands on units: who takes how much, in which weeks as planned and once levelled. */
export function DemandTable({ demands, measure, withUnit = true, caption }: DemandTableProps) {
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table
        verticalSpacing={6}
        captionSide="top"
        className="capacity-table"
        data-testid="demand-table"
      >
        <Table.Caption>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Demand</Table.Th>
            <Table.Th scope="col">Initiative</Table.Th>
            {withUnit && <Table.Th scope="col">Unit</Table.Th>}
            <Table.Th scope="col" ta="right">
              {measure} a week
            </Table.Th>
            <Table.Th scope="col">Planned</Table.Th>
            <Table.Th scope="col">Levelled</Table.Th>
            <Table.Th scope="col">For</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {demands.map((d) => (
            <Table.Tr key={d.id} data-demand={d.id} data-delay={d.delayWeeks}>
              <Table.Th scope="row" fw={600}>
                {d.id}
                {d.workItem !== undefined && (
                  <Text size="xs" c="dimmed" fw={400}>
                    while <EntityLink kind="work_item" id={d.workItem} underline="always" named />{' '}
                    runs
                  </Text>
                )}
              </Table.Th>
              <Table.Td>
                <EntityLink kind="initiative" id={d.initiative} named />
              </Table.Td>
              {withUnit && (
                <Table.Td>
                  <EntityLink kind="unit" id={d.unit} named />
                </Table.Td>
              )}
              <Table.Td ta="right">{formatAmount(d.perWeek)}</Table.Td>
              <Table.Td>{formatWeekRange(d.plannedStart, d.plannedEnd)}</Table.Td>
              <Table.Td>
                {d.delayWeeks === 0 ? (
                  'as planned'
                ) : (
                  <>
                    {formatWeekRange(d.levelledStart, d.levelledEnd)}
                    <Text span size="sm" fw={650} c="red.9">
                      {' '}
                      ({d.delayWeeks} {d.delayWeeks === 1 ? 'week' : 'weeks'} later)
                    </Text>
                  </>
                )}
              </Table.Td>
              <Table.Td>
                {d.milestones.length === 0
                  ? '—'
                  : d.milestones.map((m, i) => (
                      <span key={m}>
                        {i > 0 && ', '}
                        <EntityLink kind="milestone" id={m} named />
                      </span>
                    ))}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
