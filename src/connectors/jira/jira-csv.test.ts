import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { WorkItemUpsert } from '../../core/domain/work-item.ts';
import { DomainError } from '../../core/errors.ts';
import { readSpreadsheetRows } from '../spreadsheet/read-spreadsheet.ts';
import type { SheetRow } from '../spreadsheet/sheet-row.ts';
import {
  bindJiraCsvHeader,
  looksLikeJiraCsv,
  normalizeJiraCsvRow,
  parseJiraCsvTime,
  type JiraCsvOptions,
} from './jira-csv.ts';

/** Real exports from public repositories (see test/fixtures/reference/README.md). */
const REFERENCE = fileURLToPath(
  new URL('../../../test/fixtures/reference/jira/csv/', import.meta.url),
);
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/spreadsheets/', import.meta.url));

async function rowsOf(path: string, format: 'csv' | 'xlsx' = 'csv'): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  for await (const row of readSpreadsheetRows({ path }, format, {
    file: 'export.csv',
  })) {
    rows.push(row);
  }
  return rows;
}

function options(overrides: Partial<JiraCsvOptions> = {}): JiraCsvOptions {
  return {
    source: 'jira-csv',
    file: 'export.csv',
    timeZone: 'Z',
    startDateColumn: 'Custom field (Start date)',
    ...overrides,
  };
}

async function itemsOf(
  path: string,
  opts: JiraCsvOptions,
  format: 'csv' | 'xlsx' = 'csv',
): Promise<WorkItemUpsert[]> {
  const [header, ...rows] = await rowsOf(path, format);
  if (header === undefined) throw new Error('empty file');
  const binding = bindJiraCsvHeader(
    header.cells,
    { file: opts.file, sheet: header.sheet, row: 1 },
    opts,
  );
  const events: WorkItemUpsert[] = [];
  for (const row of rows) {
    const result = normalizeJiraCsvRow(binding, row, opts);
    if (result.status === 'bad') throw new DomainError(result.problems);
    if (result.status === 'ok' && result.event.op === 'upsert') events.push(result.event);
  }
  return events;
}

describe("Jira's CSV export, real files", () => {
  it('reads a complete real Jira Cloud export (rodecarv, 67 columns) into work items', async () => {
    const events = await itemsOf(`${REFERENCE}jira-cloud-export.small.rodecarv.csv`, options());
    expect(events.map((e) => e.item)).toEqual([
      {
        key: 'PT-2',
        source: 'jira-csv',
        sourceId: '10279',
        summary: 'SUMMARY2',
        status: 'To Do',
        statusCategory: 'todo',
        issueType: 'Task',
        dueDate: '2024-01-10',
        startDate: '2024-01-09',
        doneDate: null,
        parentKey: null,
        blockedBy: [],
        blocks: [],
        links: [],
        assignee: null,
        updatedAt: '2024-01-09T15:55:00.000Z',
      },
      expect.objectContaining({
        key: 'PT-1',
        dueDate: null,
        updatedAt: '2024-01-08T14:10:00.000Z',
      }),
    ]);
    expect(events[0]).toMatchObject({
      op: 'upsert',
      change: null,
      order: { updatedAt: '2024-01-09T15:55:00.000Z', changelogId: null },
      dedupeKey: 'csv:jira-csv:PT-2:2024-01-09T15:55:00.000Z',
    });
  });

  it('binds the repeated columns of a large real export (felipefernandes): every link column', async () => {
    const [header] = await rowsOf(`${REFERENCE}jira-cloud-export.header-only.felipefernandes.csv`);
    if (header === undefined) throw new Error('no header');
    expect(looksLikeJiraCsv(header.cells)).toBe(true);
    const binding = bindJiraCsvHeader(
      header.cells,
      { file: 'export.csv', sheet: null, row: 1 },
      options(),
    );
    const count = (direction: string, type: string): number =>
      binding.links.filter((l) => l.direction === direction && l.type === type).length;
    expect(count('outward', 'Blocks')).toBe(2);
    expect(count('inward', 'Blocks')).toBe(1);
    expect(count('outward', 'Relates')).toBe(8);
    expect(count('inward', 'Test')).toBe(11);
    expect(binding.single.parentKey).toBeDefined();
    expect(binding.single.statusCategory).toBeDefined();
  });
});

describe('the ERP export fixture', () => {
  it('reads blocks, relations, parents, due dates and times in the export’s zone', async () => {
    const events = await itemsOf(
      `${FIXTURES}jira-export.erp.csv`,
      options({ source: 'demo', timeZone: '+02:00' }),
    );
    const byKey = new Map(events.map((e) => [e.item.key, e.item]));
    expect(byKey.get('ERP-17')).toMatchObject({
      summary: 'Data migration cutover',
      statusCategory: 'in_progress',
      dueDate: '2026-10-23',
      startDate: '2026-08-24',
      parentKey: 'ERP-1',
      assignee: 'Anna Keller',
      updatedAt: '2026-09-15T09:42:00.000+02:00',
    });
    expect(byKey.get('ERP-18')).toMatchObject({ statusCategory: 'done', doneDate: '2026-09-10' });
    expect(byKey.get('ERP-21')).toMatchObject({ blocks: ['ERP-22'], blockedBy: [] });
    expect(byKey.get('ERP-22')).toMatchObject({
      blockedBy: ['ERP-21'],
      links: [{ relation: 'Relates (inward)', key: 'ERP-20' }],
    });
    expect(byKey.get('ERP-20')).toMatchObject({ links: [{ relation: 'Relates', key: 'ERP-22' }] });
    expect(events).toHaveLength(6);
  });

  it('reads the same export saved as XLSX by LibreOffice', async () => {
    const fromCsv = await itemsOf(
      `${FIXTURES}jira-export.erp.csv`,
      options({ timeZone: '+02:00' }),
    );
    const fromXlsx = await itemsOf(
      `${FIXTURES}jira-export.erp.libreoffice.xlsx`,
      options({ timeZone: '+02:00' }),
      'xlsx',
    );
    // LibreOffice stores the numeric issue ids as numbers; they read back as the same text.
    expect(fromXlsx).toEqual(fromCsv);
  });
});

describe('bad exports', () => {
  it('refuses a header without the issue key and updated columns', () => {
    expect(() =>
      bindJiraCsvHeader(
        ['Summary', 'Status'],
        { file: 'export.csv', sheet: null, row: 1 },
        options(),
      ),
    ).toThrow(
      expect.objectContaining({
        problems: [
          expect.objectContaining({
            code: 'import.missing_column',
            message: `export.csv: row 1: no column 'Issue key': is this Jira's "Export CSV (all fields)"?`,
          }),
          expect.objectContaining({
            message: expect.stringContaining("no column 'Updated'") as unknown,
          }),
        ],
      }) as Error,
    );
  });

  it('names the cell of a time it cannot read', () => {
    const header = ['Summary', 'Issue key', 'Status', 'Updated'];
    const binding = bindJiraCsvHeader(
      header,
      { file: 'export.csv', sheet: null, row: 1 },
      options(),
    );
    const result = normalizeJiraCsvRow(
      binding,
      { sheet: null, row: 7, cells: ['Cut over', 'ERP-17', 'In Progress', 'yesterday'] },
      options(),
    );
    expect(result).toEqual({
      status: 'bad',
      problems: [
        {
          code: 'import.bad_cell',
          message:
            "export.csv: row 7 column D (Updated): 'yesterday' is not a date or time as Jira exports them (09/Jan/24 3:54 PM, 2024-01-09 15:54)",
          file: 'export.csv',
          line: 7,
          column: 4,
          path: 'D7',
        },
      ],
    });
  });
});

describe('parseJiraCsvTime', () => {
  it.each([
    ['09/Jan/24 3:54 PM', 'Z', '2024-01-09T15:54:00.000Z'],
    ['09/Jan/24 12:00 AM', '+02:00', '2024-01-09T00:00:00.000+02:00'],
    ['9/jan/2024 12:30 PM', 'Z', '2024-01-09T12:30:00.000Z'],
    ['2024-01-09 15:54', '-05:00', '2024-01-09T15:54:00.000-05:00'],
    ['2024-01-09', 'Z', '2024-01-09T00:00:00.000Z'],
  ])('reads %s in %s', (text, zone, iso) => {
    expect(parseJiraCsvTime(text, zone)).toBe(iso);
  });

  it.each([['31/Feb/24 1:00 PM'], ['09/Foo/24'], ['13:00 PM'], ['09/Jan/24 13:00 PM']])(
    'refuses %s',
    (text) => {
      expect(parseJiraCsvTime(text, 'Z')).toBeNull();
    },
  );
});
