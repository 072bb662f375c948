import type { FigureUpdate } from '../../core/plan/plan-figures.ts';
import type { Problem } from '../../core/errors.ts';
import { readNumber, readPeriod, readText, type CellRead } from './cell-values.ts';
import type { BoundField, ColumnBinding } from './column-binding.ts';
import type { FigureKind } from './column-mapping.ts';
import { sheetProblem, type CellValue, type SheetPlace, type SheetRow } from './sheet-row.ts';

/** A row turned into a figure update, a row with problems, or a blank row (skipped). */
export type NormalizedRow =
  | { status: 'ok'; update: FigureUpdate }
  | { status: 'bad'; problems: Problem[] }
  | { status: 'blank' };

/** Where a field's cell sits in a row, for messages. */
export function fieldPlace(
  binding: ColumnBinding,
  field: string,
  row: SheetRow,
  file: string,
): SheetPlace {
  const bound = binding.get(field);
  const place: SheetPlace = { file, sheet: row.sheet, row: row.row };
  if (bound?.from === 'column') {
    place.column = bound.index;
    place.header = bound.header;
  }
  return place;
}

function cellOf(bound: BoundField, row: SheetRow): CellValue {
  return bound.from === 'value' ? bound.value : (row.cells[bound.index] ?? null);
}

/**
 * Turns one data row into the figure it sets: every mapped cell is read as its field needs,
 * and every cell that does not read is a problem naming file, sheet, row and column. A row
 * whose mapped cells are all empty is blank.
 */
export function normalizeFigureRow(
  kind: FigureKind,
  binding: ColumnBinding,
  row: SheetRow,
  file: string,
  decimal: '.' | ',',
): NormalizedRow {
  const columnCells = [...binding.values()].filter((b) => b.from === 'column');
  if (columnCells.every((b) => isEmptyCell(cellOf(b, row)))) return { status: 'blank' };
  const problems: Problem[] = [];

  function read<T>(
    field: string,
    reader: (value: CellValue) => CellRead<T>,
    required: string | null,
  ): T | undefined {
    const bound = binding.get(field);
    if (bound === undefined) return undefined;
    const result = reader(cellOf(bound, row));
    const place = fieldPlace(binding, field, row, file);
    if (!result.ok) {
      problems.push(sheetProblem('import.bad_cell', place, result.why));
      return undefined;
    }
    if (result.value === null) {
      if (required !== null)
        problems.push(sheetProblem('import.bad_cell', place, `is empty; ${required}`));
      return undefined;
    }
    return result.value;
  }
  const text = (field: string, required: string | null): string | undefined =>
    read(field, readText, required);
  const number = (field: string, required: string | null): number | undefined =>
    read(field, (v) => readNumber(v, decimal), required);
  const period = (): string | undefined =>
    read('period', readPeriod, 'the reporting period is needed');

  let update: FigureUpdate | null = null;
  switch (kind) {
    case 'kpi_actuals': {
      const kpi = text('kpi', 'the KPI is needed');
      const at = period();
      const value = number('value', 'the actual value is needed');
      if (kpi !== undefined && at !== undefined && value !== undefined) {
        update = { kind: 'kpi_actual', kpi, period: at, value };
      }
      break;
    }
    case 'budgets': {
      const initiative = text('initiative', 'the initiative is needed');
      const at = period();
      const plan = number('plan', null);
      const committed = number('committed', null);
      const actual = number('actual', null);
      if (initiative !== undefined && at !== undefined && problems.length === 0) {
        if (plan === undefined && committed === undefined && actual === undefined) {
          problems.push(
            sheetProblem(
              'import.bad_cell',
              { file, sheet: row.sheet, row: row.row },
              'has no plan, committed or actual figure',
            ),
          );
        } else {
          update = {
            kind: 'budget',
            initiative,
            period: at,
            ...(plan === undefined ? {} : { plan }),
            ...(committed === undefined ? {} : { committed }),
            ...(actual === undefined ? {} : { actual }),
          };
        }
      }
      break;
    }
    case 'benefits': {
      const benefit = text('benefit', 'the benefit id is needed');
      const amountPerWeek = number('amountPerWeek', 'the amount per week is needed');
      const milestone = text('milestone', null);
      const kpi = text('kpi', null);
      const description = text('description', null);
      if (benefit !== undefined && amountPerWeek !== undefined) {
        update = {
          kind: 'benefit',
          benefit,
          amountPerWeek,
          ...(milestone === undefined ? {} : { milestone }),
          ...(kpi === undefined ? {} : { kpi }),
          ...(description === undefined ? {} : { description }),
        };
      }
      break;
    }
  }
  if (problems.length > 0 || update === null) return { status: 'bad', problems };
  return { status: 'ok', update };
}

function isEmptyCell(value: CellValue): boolean {
  return value === null || (typeof value === 'string' && value.trim() === '');
}
