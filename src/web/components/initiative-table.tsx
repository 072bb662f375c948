import { Table, Text } from '@mantine/core';
import type { InitiativeView } from '../api/types.ts';
import { formatDate } from '../format/format.ts';
import { EntityLink } from './entity-link.tsx';
import { StatusBadge } from './status-badge.tsx';

function nextMilestone(initiative: InitiativeView) {
  const open = initiative.milestones.filter((m) => !m.complete);
  return [...open].sort((a, b) => a.forecastDate.localeCompare(b.forecastDate))[0] ?? null;
}

/** Initiatives with their two statuses (delivery and value) and the next milestone. */
export function InitiativeTable({
  initiatives,
  changed,
  caption,
}: {
  initiatives: InitiativeView[];
  changed: ReadonlySet<string>;
  caption?: string;
}) {
  if (initiatives.length === 0) return null;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table verticalSpacing={6} className="initiative-table">
        {caption !== undefined && <caption className="visually-hidden">{caption}</caption>}
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Initiative</Table.Th>
            <Table.Th scope="col">Delivery</Table.Th>
            <Table.Th scope="col">Value</Table.Th>
            <Table.Th scope="col">Next milestone</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {initiatives.map((i) => {
            const next = nextMilestone(i);
            return (
              <Table.Tr
                key={i.id}
                className={changed.has(i.id) ? 'changed' : undefined}
                data-testid={`initiative-row-${i.id}`}
              >
                <Table.Td>
                  <EntityLink kind="initiative" id={i.id} fw={600}>
                    {i.name}
                  </EntityLink>
                  <Text size="xs" c="dimmed">
                    {i.unit} · {i.owner?.name ?? '—'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <StatusBadge status={i.delivery} size="sm" />
                </Table.Td>
                <Table.Td>
                  <StatusBadge status={i.value} size="sm" />
                </Table.Td>
                <Table.Td>
                  {next === null ? (
                    <Text size="sm" c="dimmed">
                      all delivered
                    </Text>
                  ) : (
                    <Text size="sm">
                      <EntityLink kind="milestone" id={next.id} named />{' '}
                      {formatDate(next.forecastDate)}
                      {next.slipWorkingDays > 0 && (
                        <Text span c="red.9" fw={600}>
                          {' '}
                          +{next.slipWorkingDays} wd
                        </Text>
                      )}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
