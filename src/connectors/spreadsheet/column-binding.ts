import { DomainError, type Problem } from '../../core/errors.ts';
import { readNumber, readPeriod, readText } from './cell-values.ts';
import type { FigureKind, FigureMapping } from './column-mapping.ts';
import {
  columnIndex,
  columnLetter,
  sheetProblem,
  type CellValue,
  type SheetPlace,
} from './sheet-row.ts';

/** Where one field's value is found in a sheet: a column (with its header), or a constant. */
export type BoundField =
  { from: 'column'; index: number; header: string } | { from: 'value'; value: CellValue };

/** Each mapped field of a sheet, bound to its column. */
export type ColumnBinding = ReadonlyMap<string, BoundField>;

/** Header text as matched: case, surrounding spaces and repeated spaces do not count. */
export function normalHeader(value: CellValue): string {
  if (value === null) return '';
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

function headerText(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).trim();
}

/**
 * Binds each field of a figure mapping to a column of the sheet's header row. A header the
 * sheet lacks fails with `import.missing_column` (listing the headers it has); a header that
 * appears twice, or a constant that does not read as its field, with `import.bad_mapping`.
 */
export function bindColumns(
  mapping: FigureMapping,
  header: readonly CellValue[],
  place: SheetPlace,
): ColumnBinding {
  const binding = new Map<string, BoundField>();
  const problems: Problem[] = [];
  const positions = new Map<string, number[]>();
  header.forEach((cell, index) => {
    const key = normalHeader(cell);
    if (key !== '') positions.set(key, [...(positions.get(key) ?? []), index]);
  });
  for (const [field, spec] of Object.entries(mapping.columns)) {
    if (spec === undefined) continue;
    if ('value' in spec) {
      const why = constantProblem(mapping.kind, field, spec.value, mapping.decimal);
      if (why !== null) {
        problems.push({
          code: 'import.bad_mapping',
          message: `${place.file}: the mapping's value for ${field}: ${why}`,
          path: `$.columns.${field}.value`,
          file: place.file,
        });
      }
      binding.set(field, { from: 'value', value: spec.value });
    } else if ('column' in spec) {
      const index = columnIndex(spec.column) ?? 0;
      binding.set(field, { from: 'column', index, header: headerText(header[index]) });
    } else {
      const found = positions.get(normalHeader(spec.header)) ?? [];
      const [index] = found;
      if (index === undefined) {
        const has = header.map(headerText).filter((h) => h !== '');
        const listed = has
          .slice(0, 30)
          .map((h) => `'${h}'`)
          .join(', ');
        problems.push(
          sheetProblem(
            'import.missing_column',
            { ...place, column: undefined },
            `no column '${spec.header}' (mapped to ${field}); the header row has ${has.length === 0 ? 'no text' : listed}${has.length > 30 ? ', …' : ''}`,
          ),
        );
      } else if (found.length > 1) {
        problems.push(
          sheetProblem(
            'import.bad_mapping',
            { ...place, column: undefined },
            `the header '${spec.header}' (mapped to ${field}) appears ${found.length} times, in columns ${found.map(columnLetter).join(', ')}: map ${field} by letter, e.g. {"column": "${columnLetter(index)}"}`,
          ),
        );
      } else {
        binding.set(field, { from: 'column', index, header: headerText(header[index]) });
      }
    }
  }
  if (problems.length > 0) throw new DomainError(problems);
  return binding;
}

const NUMBER_FIELDS = new Set(['value', 'plan', 'committed', 'actual', 'amountPerWeek']);

function constantProblem(
  _kind: FigureKind,
  field: string,
  value: string | number | CellValue,
  decimal: '.' | ',',
): string | null {
  const read =
    field === 'period'
      ? readPeriod(value)
      : NUMBER_FIELDS.has(field)
        ? readNumber(value, decimal)
        : readText(value);
  return read.ok ? null : read.why;
}
