import { describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors.ts';
import { parseColumnMapping } from './column-mapping.ts';

function problemsOf(input: unknown): { code: string; message: string; path?: string }[] {
  try {
    parseColumnMapping(input, 'map.json');
  } catch (error) {
    if (error instanceof DomainError) return [...error.problems];
    throw error;
  }
  throw new Error('the mapping was accepted');
}

describe('parseColumnMapping', () => {
  it('fills in defaults and turns header texts into header specs', () => {
    expect(
      parseColumnMapping(
        {
          kind: 'budgets',
          columns: {
            initiative: 'Initiative',
            period: { value: '2026-Q4' },
            actual: { column: 'C' },
          },
        },
        'map.json',
      ),
    ).toEqual({
      kind: 'budgets',
      headerRow: 1,
      delimiter: ',',
      decimal: '.',
      referenceBy: 'id',
      columns: {
        initiative: { header: 'Initiative' },
        period: { value: '2026-Q4' },
        actual: { column: 'C' },
      },
    });
  });

  it('reads a Jira CSV mapping with its defaults', () => {
    expect(parseColumnMapping({ kind: 'jira_csv', timeZone: '+02:00' }, 'map.json')).toMatchObject({
      kind: 'jira_csv',
      timeZone: '+02:00',
      startDateColumn: 'Custom field (Start date)',
    });
  });

  it('names a field the kind does not have, with the likely one', () => {
    expect(
      problemsOf({ kind: 'budgets', columns: { initiative: 'I', period: 'P', actul: 'Actual' } }),
    ).toEqual([
      {
        code: 'import.unknown_column',
        message:
          "map.json: $.columns.actul: rows of kind budgets have no field 'actul' (did you mean 'actual'?); they have initiative, period, plan, committed, actual",
        path: '$.columns.actul',
        file: 'map.json',
      },
      expect.objectContaining({
        code: 'import.bad_mapping',
        message:
          'map.json: $.columns: rows of kind budgets need a column for at least one of plan, committed, actual',
      }),
    ]);
  });

  it('names a required field that has no column', () => {
    expect(problemsOf({ kind: 'kpi_actuals', columns: { kpi: 'KPI', value: 'Actual' } })).toEqual([
      expect.objectContaining({
        code: 'import.bad_mapping',
        message: "map.json: $.columns: rows of kind kpi_actuals need a column for 'period'",
      }),
    ]);
  });

  it('refuses an unknown kind, unknown keys and bad column specs, naming each path', () => {
    expect(problemsOf({ kind: 'forecasts', columns: {} })[0]).toMatchObject({
      code: 'import.bad_mapping',
      path: '$.kind',
    });
    expect(problemsOf({ kind: 'kpi_actuals', colums: {} })).toContainEqual(
      expect.objectContaining({
        code: 'import.bad_mapping',
        message: "map.json: $ has unknown key 'colums'",
      }),
    );
    expect(
      problemsOf({
        kind: 'kpi_actuals',
        columns: { kpi: 'KPI', period: 'P', value: { column: 'C7' } },
      }),
    ).toEqual([
      expect.objectContaining({
        code: 'import.bad_mapping',
        path: '$.columns.value.column',
        message: 'map.json: $.columns.value.column expected column letters such as C or AB',
      }),
    ]);
    expect(
      problemsOf({ kind: 'kpi_actuals', columns: { kpi: 'KPI', period: 'P', value: 7 } }),
    ).toEqual([
      expect.objectContaining({
        path: '$.columns.value',
        message:
          'map.json: $.columns.value must be a header text, {"header": …}, {"column": "C"} or {"value": …}',
      }),
    ]);
  });
});
