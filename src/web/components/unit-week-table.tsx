import { Table, Text } from '@mantine/core';
import type { UnitWeek } from '../api/types.ts';
import { formatAmount, formatDate, formatWeek, loadPercent } from '../format/format.ts';
import { AlertIcon } from './icons.tsx';

/** True when a week's load is more than its unit can take on (any load at no capacity counts). */
export function isOverCapacity(load: number, capacity: number | null): boolean {
  return capacity !== null && load > capacity;
}

/** A figure, and when it is more than the capacity, an icon and the words: never colour alone. */
function Marked({ text, over }: { text: string; over: boolean }) {
  if (!over) return <>{text}</>;
  return (
    <span className="over-capacity">
      <AlertIcon size={14} strokeWidth={2.4} />
      <span>
        {text} <span className="over-capacity-words">over capacity</span>
      </span>
    </span>
  );
}

interface UnitWeekTableProps {
  unit: string;
  weeks: UnitWeek[];
  /** What capacity and load are counted in (`FTE`). */
  measure: string;
}

/**
 * A unit's weeks from the as-of week: capacity, the demands' load as planned and its share of the
 * capacity, and the load once levelled. Weeks over capacity say so in words and with an icon.
 */
export function UnitWeekTable({ unit, weeks, measure }: UnitWeekTableProps) {
  const first = weeks[0];
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table
        verticalSpacing={6}
        captionSide="top"
        className="unit-weeks capacity-table"
        data-testid={`unit-weeks-${unit}`}
      >
        <Table.Caption>
          {first === undefined
            ? `${unit} has no week with capacity or load.`
            : `${unit}, week by week from ${formatWeek(first.week)} (${formatDate(first.monday)}), in ${measure} a week.`}
        </Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Week</Table.Th>
            <Table.Th scope="col" ta="right">
              Capacity
            </Table.Th>
            <Table.Th scope="col" ta="right">
              Planned load
            </Table.Th>
            <Table.Th scope="col">% of capacity</Table.Th>
            <Table.Th scope="col" ta="right">
              Levelled load
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {weeks.map((w) => {
            const over = isOverCapacity(w.load, w.capacity);
            const percent = loadPercent(w.load, w.capacity);
            const levelledOver = isOverCapacity(w.levelledLoad, w.capacity);
            return (
              <Table.Tr
                key={w.week}
                data-week={w.week}
                data-over={over}
                className={over ? 'unit-week-over' : undefined}
              >
                <Table.Th scope="row" fw={600}>
                  {formatWeek(w.week)}{' '}
                  <Text span size="xs" c="dimmed" fw={400}>
                    {formatDate(w.monday)}
                  </Text>
                </Table.Th>
                <Table.Td ta="right">
                  {w.capacity === null ? 'none declared' : formatAmount(w.capacity)}
                </Table.Td>
                <Table.Td ta="right">{formatAmount(w.load)}</Table.Td>
                <Table.Td data-testid="load-share">
                  <Marked text={percent === null ? '—' : `${percent}%`} over={over} />
                </Table.Td>
                <Table.Td ta="right">
                  <Marked text={formatAmount(w.levelledLoad)} over={levelledOver} />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
