import { ActionIcon, Button, Group, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { CrossIcon, PlusIcon } from '../components/icons.tsx';

export interface PeriodRow {
  period: string;
  values: (number | '')[];
}

interface PeriodRowsProps {
  legend: string;
  /** The value columns, e.g. ["Target"] or ["Plan", "Committed", "Actual"]. */
  columns: string[];
  rows: PeriodRow[];
  onChange: (rows: PeriodRow[]) => void;
  error?: string;
  /** The first column is required (a budget's plan); the others may be empty. */
  firstRequired?: boolean;
  /** Why the person may not change these rows: shown, and the rows are read-only. */
  locked?: string;
}

/** A small editable table: one row per reporting period, with its values. */
export function PeriodRows({
  legend,
  columns,
  rows,
  onChange,
  error,
  firstRequired = false,
  locked,
}: PeriodRowsProps) {
  const disabled = locked !== undefined;
  const update = (index: number, row: PeriodRow) =>
    onChange(rows.map((r, i) => (i === index ? row : r)));
  return (
    <fieldset className="period-rows" aria-invalid={error !== undefined} disabled={disabled}>
      <legend>{legend}</legend>
      <Stack gap={6}>
        {locked !== undefined && (
          <Text size="sm" c="dark.6" data-testid="plan-field-locked">
            {locked}
          </Text>
        )}
        {rows.length === 0 && (
          <Text size="sm" c="dimmed">
            None yet.
          </Text>
        )}
        {rows.map((row, index) => (
          <Group key={index} gap="xs" wrap="nowrap" align="flex-end">
            <TextInput
              label={index === 0 ? 'Period' : undefined}
              aria-label={`${legend}: period of row ${index + 1}`}
              placeholder="2026-Q4"
              value={row.period}
              onChange={(e) => update(index, { ...row, period: e.currentTarget.value })}
              w={120}
            />
            {columns.map((column, c) => (
              <NumberInput
                key={column}
                label={index === 0 ? column : undefined}
                aria-label={`${legend}: ${column.toLowerCase()} of row ${index + 1}`}
                value={row.values[c] ?? ''}
                onChange={(v) =>
                  update(index, {
                    ...row,
                    values: columns.map((_, k) =>
                      k === c ? (typeof v === 'number' ? v : '') : (row.values[k] ?? ''),
                    ),
                  })
                }
                thousandSeparator=","
                required={firstRequired && c === 0}
                style={{ flex: 1, minWidth: 90 }}
              />
            ))}
            {!disabled && (
              <ActionIcon
                variant="subtle"
                color="gray.7"
                size="lg"
                aria-label={`${legend}: remove row ${index + 1}`}
                onClick={() => onChange(rows.filter((_, i) => i !== index))}
              >
                <CrossIcon size={16} />
              </ActionIcon>
            )}
          </Group>
        ))}
        {!disabled && (
          <Group>
            <Button
              variant="subtle"
              size="xs"
              leftSection={<PlusIcon size={14} />}
              onClick={() => onChange([...rows, { period: '', values: columns.map(() => '') }])}
            >
              Add a period
            </Button>
          </Group>
        )}
        {error !== undefined && (
          <Text size="sm" c="red.9" role="alert" className="field-error">
            {error}
          </Text>
        )}
      </Stack>
    </fieldset>
  );
}
