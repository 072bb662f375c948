import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { damagedWorkbooks } from '../../../test/support/import-helpers.ts';
import { readZipEntries, readZipEntry, writeZip } from '../../../test/support/zip-entry.ts';
import { DomainError } from '../../core/errors.ts';
import {
  detectFormat,
  readSpreadsheetRows,
  type SpreadsheetReadOptions,
} from './read-spreadsheet.ts';
import { readXlsxRows } from './read-xlsx.ts';
import type { SheetRow, SpreadsheetFormat } from './sheet-row.ts';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/spreadsheets/', import.meta.url));

async function rowsOf(
  input: Readable | string,
  format: SpreadsheetFormat,
  options: Partial<SpreadsheetReadOptions> = {},
): Promise<SheetRow[]> {
  const source = typeof input === 'string' ? { path: input } : { stream: input };
  const rows: SheetRow[] = [];
  for await (const row of readSpreadsheetRows(source, format, { file: 'f', ...options }))
    rows.push(row);
  return rows;
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'throughline-read-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Writes bytes to a file of their own, for the readers that need one on disk. */
async function fileOf(name: string, bytes: Uint8Array | string): Promise<string> {
  const path = join(scratch, name);
  await writeFile(path, bytes);
  return path;
}

async function errorOf(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('CSV', () => {
  it('reads rows with the numbers a spreadsheet program shows, even across quoted line breaks', async () => {
    const text = '\ufeffKPI,Period,Note\nK-OTD,2026-Q3,"two\nlines"\n\nK-DOWNTIME,2026-Q3\n';
    expect(await rowsOf(Readable.from([text]), 'csv')).toEqual([
      { sheet: null, row: 1, cells: ['KPI', 'Period', 'Note'] },
      { sheet: null, row: 2, cells: ['K-OTD', '2026-Q3', 'two\nlines'] },
      { sheet: null, row: 3, cells: [''] },
      { sheet: null, row: 4, cells: ['K-DOWNTIME', '2026-Q3'] },
    ]);
  });

  it('reads another delimiter', async () => {
    expect(await rowsOf(Readable.from(['a;b\n1,5;2\n']), 'csv', { delimiter: ';' })).toEqual([
      { sheet: null, row: 1, cells: ['a', 'b'] },
      { sheet: null, row: 2, cells: ['1,5', '2'] },
    ]);
  });

  it('refuses a malformed file, naming the row where it breaks', async () => {
    const error = await errorOf(
      rowsOf(join(FIXTURES, 'malformed.csv'), 'csv', { file: 'malformed.csv' }),
    );
    expect(error.problems).toEqual([
      {
        code: 'import.bad_file',
        message:
          'malformed.csv: row 3: not readable as CSV: a quoted cell is never closed (a " is missing)',
        file: 'malformed.csv',
        line: 3,
        path: '3',
      },
    ]);
  });
});

describe('XLSX written by exceljs', () => {
  let dir: string;
  let workbookPath: string;
  let streamedPath: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'throughline-xlsx-'));
    workbookPath = join(dir, 'budgets.xlsx');
    const workbook = new ExcelJS.Workbook();
    const q3 = workbook.addWorksheet('Q3');
    q3.addRow(['Initiative', 'Plan', 'Actual']);
    q3.addRow(['I-ERP', 400000, 305000]);
    const q4 = workbook.addWorksheet('Q4');
    q4.addRow(['Initiative', 'Plan', 'Actual', 'Checked']);
    q4.addRow([
      { richText: [{ text: 'I-' }, { text: 'ERP', font: { bold: true } }] },
      350000,
      { formula: 'B2/2', result: 175000 },
      true,
    ]);
    q4.addRow(['I-PROC', { error: '#DIV/0!' }, null, new Date(Date.UTC(2026, 9, 1))]);
    q4.getCell('D3').numFmt = 'yyyy-mm-dd';
    q4.addRow([{ text: 'I-MAINT', hyperlink: 'https://example.com/I-MAINT' }, 80000]);
    await workbook.xlsx.writeFile(workbookPath);

    // The streaming writer, without shared strings: cells hold their text inline.
    streamedPath = join(dir, 'streamed.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: streamedPath,
      useSharedStrings: false,
    });
    const sheet = writer.addWorksheet('Actuals');
    sheet.addRow(['KPI', 'Period', 'Actual']).commit();
    for (let i = 0; i < 3; i += 1) sheet.addRow([`K-${i}`, '2026-Q3', i * 1.5]).commit();
    sheet.commit();
    await writer.commit();
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the first sheet by default, every value in plain form', async () => {
    expect(await rowsOf(workbookPath, 'xlsx')).toEqual([
      { sheet: 'Q3', row: 1, cells: ['Initiative', 'Plan', 'Actual'] },
      { sheet: 'Q3', row: 2, cells: ['I-ERP', 400000, 305000] },
    ]);
  });

  it('reads formula results, rich text, hyperlinks, error codes and dates', async () => {
    expect(await rowsOf(workbookPath, 'xlsx', { sheets: ['q4'] })).toEqual([
      { sheet: 'Q4', row: 1, cells: ['Initiative', 'Plan', 'Actual', 'Checked'] },
      { sheet: 'Q4', row: 2, cells: ['I-ERP', 350000, 175000, true] },
      { sheet: 'Q4', row: 3, cells: ['I-PROC', '#DIV/0!', null, new Date(Date.UTC(2026, 9, 1))] },
      { sheet: 'Q4', row: 4, cells: ['I-MAINT', 80000] },
    ]);
  });

  it('reads every sheet with *', async () => {
    const rows = await rowsOf(workbookPath, 'xlsx', { sheets: '*' });
    expect(rows.map((r) => `${r.sheet}:${r.row}`)).toEqual([
      'Q3:1',
      'Q3:2',
      'Q4:1',
      'Q4:2',
      'Q4:3',
      'Q4:4',
    ]);
  });

  it('names the sheets a workbook has when one asked for is not there', async () => {
    const error = await errorOf(
      rowsOf(workbookPath, 'xlsx', { sheets: ['Q1'], file: 'budgets.xlsx' }),
    );
    expect(error.problems).toEqual([
      {
        code: 'import.unknown_sheet',
        message: "budgets.xlsx: no sheet 'Q1'; the workbook has 'Q3', 'Q4'",
        file: 'budgets.xlsx',
        path: "'Q1'",
      },
    ]);
  });

  it('reads inline strings written by the streaming writer', async () => {
    expect(await rowsOf(streamedPath, 'xlsx')).toEqual([
      { sheet: 'Actuals', row: 1, cells: ['KPI', 'Period', 'Actual'] },
      { sheet: 'Actuals', row: 2, cells: ['K-0', '2026-Q3', 0] },
      { sheet: 'Actuals', row: 3, cells: ['K-1', '2026-Q3', 1.5] },
      { sheet: 'Actuals', row: 4, cells: ['K-2', '2026-Q3', 3] },
    ]);
  });
});

describe('a slow reader', () => {
  it('gets every sheet with its name and every shared string, however slowly it reads', async () => {
    // exceljs' own zip reading hands on parts only while its reader keeps up: with a slow
    // consumer it lost the workbook's sheet names (sheets without shared strings) or the shared
    // strings (LibreOffice files) now and then. The reordered feed makes that impossible.
    const multi = join(scratch, 'multi.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: multi,
      useSharedStrings: false,
    });
    for (const name of ['A', 'B', 'C', 'D']) {
      const sheet = writer.addWorksheet(name);
      sheet.addRow(['KPI', 'Period']).commit();
      sheet.addRow([`K-${name}`, '2026-Q3']).commit();
      sheet.commit();
    }
    await writer.commit();
    const slowly = async (path: string, sheets?: '*'): Promise<string> => {
      const seen: string[] = [];
      for await (const row of readXlsxRows(path, {
        file: 'x.xlsx',
        ...(sheets === undefined ? {} : { sheets }),
      })) {
        seen.push(`${row.sheet}:${String(row.cells[0])}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      return seen.join(' ');
    };
    for (let run = 0; run < 15; run += 1) {
      expect(await slowly(multi, '*')).toBe('A:KPI A:K-A B:KPI B:K-B C:KPI C:K-C D:KPI D:K-D');
      expect(await slowly(join(FIXTURES, 'budgets.libreoffice.xlsx'))).toBe(
        'budgets:Initiative budgets:I-ERP budgets:I-ERP budgets:I-PROC budgets:I-MAINT',
      );
    }
  });
});

describe('XLSX written by LibreOffice', () => {
  const file = join(FIXTURES, 'budgets.libreoffice.xlsx');

  it('is a LibreOffice file (its own app.xml says so)', async () => {
    expect(readZipEntry(await readFile(file), 'docProps/app.xml')).toMatch(
      /<Application>LibreOffice\//,
    );
  });

  it('reads the sheet LibreOffice named after the CSV, numbers as numbers', async () => {
    expect(await rowsOf(file, 'xlsx')).toEqual([
      { sheet: 'budgets', row: 1, cells: ['Initiative', 'Period', 'Plan', 'Committed', 'Actual'] },
      { sheet: 'budgets', row: 2, cells: ['I-ERP', '2026-Q3', 400000, 380000, 342000] },
      { sheet: 'budgets', row: 3, cells: ['I-ERP', '2026-Q4', 350000, 160000] },
      { sheet: 'budgets', row: 4, cells: ['I-PROC', '2026-Q3', 90000, 60000, 52000] },
      { sheet: 'budgets', row: 5, cells: ['I-MAINT', '2026-10', 30000, 12000, 9000.5] },
    ]);
  });
});

describe('malformed workbooks', () => {
  it('refuses a cut-off workbook', async () => {
    const error = await errorOf(
      rowsOf(join(FIXTURES, 'malformed.xlsx'), 'xlsx', { file: 'malformed.xlsx' }),
    );
    expect(error.code).toBe('import.bad_file');
    expect(error.message).toBe(
      'malformed.xlsx: not readable as an XLSX workbook: the file ends too early (cut off while saving or sending?)',
    );
  });

  it('refuses text that is not a zip archive', async () => {
    const error = await errorOf(
      rowsOf(await fileOf('a.xlsx', 'KPI,Period\n'), 'xlsx', { file: 'a.xlsx' }),
    );
    expect(error.message).toMatch(/^a\.xlsx: not readable as an XLSX workbook: not a zip archive/);
  });
});

describe('damaged workbooks', () => {
  it('refuses a workbook whose compressed data is damaged rather than waiting forever', async () => {
    const damaged = await readFile(join(FIXTURES, 'budgets.libreoffice.xlsx'));
    // Garbles the compressed workbook part (exceljs used to wait for data that never came).
    for (let i = 500; i < 540; i += 1) damaged[i] = (damaged[i] ?? 0) ^ 0x5a;
    const rows: SheetRow[] = [];
    const read = (async () => {
      for await (const row of readXlsxRows(await fileOf('damaged.xlsx', damaged), {
        file: 'budgets.xlsx',
      })) {
        rows.push(row);
      }
    })();
    const error = await errorOf(read);
    expect(error.message).toMatch(
      /^budgets\.xlsx: not readable as an XLSX workbook: its part xl\/workbook\.xml is damaged: /,
    );
    expect(rows).toEqual([]);
  });
});

describe('workbooks that do not read whole', () => {
  it('refuses each, naming the part, the sheet and the row where it broke, after no row or a few', async () => {
    for (const damaged of await damagedWorkbooks()) {
      const path = await fileOf(damaged.name, damaged.bytes);
      const rows: SheetRow[] = [];
      const read = (async () => {
        for await (const row of readXlsxRows(path, { file: damaged.name })) rows.push(row);
      })();
      const error = await errorOf(read);
      expect(error.code, damaged.name).toBe('import.bad_file');
      expect(error.message.slice(damaged.name.length + 2), damaged.name).toMatch(damaged.message);
      expect(error.message.startsWith(`${damaged.name}: `), error.message).toBe(true);
    }
  }, 60_000);

  it('names the row a cut sheet breaks in, with the rows before it read', async () => {
    const [cut] = await damagedWorkbooks();
    const path = await fileOf('cut.xlsx', cut?.bytes ?? Buffer.alloc(0));
    const rows: number[] = [];
    const error = await errorOf(
      (async () => {
        for await (const row of readXlsxRows(path, { file: 'budgets.xlsx' })) rows.push(row.row);
      })(),
    );
    expect(rows).toEqual([1, 2, 3]);
    expect(error.problems[0]).toMatchObject({ file: 'budgets.xlsx', line: 4, path: "'budgets'!4" });
  });

  it("reads OOXML's escapes (_x0000_ for NUL) as the characters they stand for", async () => {
    const parts = readZipEntries(await readFile(join(FIXTURES, 'budgets.libreoffice.xlsx'))).map(
      (part) =>
        part.name === 'xl/sharedStrings.xml'
          ? {
              ...part,
              data: part.data.toString('utf8').replace('>I-PROC<', '>I-_x0000_PROC_x005F_x0041_<'),
            }
          : part,
    );
    const rows = await rowsOf(await fileOf('nul.xlsx', writeZip(parts)), 'xlsx');
    expect(rows[3]?.cells[0]).toBe('I-\u0000PROC_x0041_');
  });
});

describe('CSV that is not UTF-8', () => {
  it('refuses bytes that are not UTF-8, naming the row, the byte and the line', async () => {
    const text = Buffer.concat([
      Buffer.from('KPI,Period,Actual\nK-OTD,2026-Q3,"a\nb"\nK-DOWN,2026-'),
      Buffer.from([0xff, 0x51]),
      Buffer.from('3,4\nK-X,2026-Q3,1\n'),
    ]);
    const error = await errorOf(rowsOf(Readable.from([text]), 'csv', { file: 'k.csv' }));
    expect(error.problems).toEqual([
      {
        code: 'import.bad_file',
        message:
          'k.csv: row 3: not readable as CSV: the text is not valid UTF-8 at byte 51 (line 4); save it as "CSV UTF-8"',
        file: 'k.csv',
        line: 3,
        path: '3',
      },
    ]);
  });

  it('names the row when the bad byte starts it, and a file cut inside a character', async () => {
    const first = await errorOf(
      rowsOf(Readable.from([Buffer.from('a,b\n1,2\n\xe9,3\n', 'latin1')]), 'csv'),
    );
    expect(first.problems[0]?.line).toBe(3);
    const cut = await errorOf(rowsOf(Readable.from([Buffer.from('a,b\n1,\xc3', 'latin1')]), 'csv'));
    expect(cut.message).toBe(
      'f: row 2: not readable as CSV: the text is not valid UTF-8 at byte 7 (line 2); save it as "CSV UTF-8"',
    );
    const utf16 = await errorOf(
      rowsOf(Readable.from([Buffer.from('\ufeffa,b\n', 'utf16le')]), 'csv'),
    );
    expect(utf16.message).toBe(
      'f: row 1: not readable as CSV: the file is UTF-16 text, not UTF-8; save it as "CSV UTF-8"',
    );
  });

  it('reads characters split across chunks', async () => {
    const bytes = Buffer.from('a,b\nä€,😀\n');
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    expect(await rowsOf(Readable.from(chunks), 'csv')).toEqual([
      { sheet: null, row: 1, cells: ['a', 'b'] },
      { sheet: null, row: 2, cells: ['ä€', '😀'] },
    ]);
  });
});

describe('detectFormat', () => {
  const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04]);
  const text = new Uint8Array(Buffer.from('KPI,'));

  it('goes by the bytes first, then the name', () => {
    expect(detectFormat('upload', zip)).toBe('xlsx');
    expect(detectFormat('budgets.csv', text)).toBe('csv');
    expect(detectFormat('budgets.xlsx', text)).toBe('xlsx');
  });

  it('refuses a declared format the bytes contradict, and old binary .xls files', () => {
    expect(() => detectFormat('a.csv', zip, 'csv')).toThrow(
      'a.csv: is an XLSX workbook (a zip archive), not CSV text',
    );
    expect(() => detectFormat('a.xlsx', text, 'xlsx')).toThrow('is not an XLSX workbook');
    expect(() => detectFormat('a.xls', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]))).toThrow(
      'an old binary Excel file (.xls)',
    );
  });
});
