import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';
import {
  importSpreadsheet,
  type ImportResult,
  type ImportSpreadsheetOptions,
} from '../../src/app/import-spreadsheet.ts';
import type { AppContext } from '../../src/app/context.ts';
import {
  parseColumnMapping,
  type ColumnMapping,
  type FigureMapping,
} from '../../src/connectors/spreadsheet/column-mapping.ts';
import type { Database } from '../../src/store/database.ts';
import { emptyTables } from './databases.ts';
import { listImportRuns, loadMapping } from '../../src/store/import-store.ts';
import { listPlanHistory, loadPlan } from '../../src/store/plan-store.ts';
import { listSignals } from '../../src/store/signal-store.ts';
import { loadWorkItems } from '../../src/store/work-item-store.ts';
import { readZipEntries, writeZip, type ZipPart } from './zip-entry.ts';

/** The spreadsheet fixtures (see test/fixtures/spreadsheets/README.md). */
export const SPREADSHEETS = fileURLToPath(new URL('../fixtures/spreadsheets/', import.meta.url));

/** A fixture's mapping, parsed. */
export async function fixtureMapping(name: string): Promise<ColumnMapping> {
  const json: unknown = JSON.parse(await readFile(`${SPREADSHEETS}${name}`, 'utf8'));
  return parseColumnMapping(json, name);
}

/** A fixture's mapping of KPI actuals, budgets or benefits, to change in a test. */
export async function figureMapping(name: string): Promise<FigureMapping> {
  const mapping = await fixtureMapping(name);
  if (mapping.kind === 'jira_csv') throw new Error(`${name} is a Jira CSV mapping`);
  return mapping;
}

/** Imports a file from disk the way the CLI does. */
export async function importFile(
  ctx: AppContext,
  path: string,
  options: Partial<ImportSpreadsheetOptions> & { source: string },
): Promise<ImportResult> {
  return importSpreadsheet(ctx, {
    fileName: basename(path),
    format: path.endsWith('.xlsx') ? 'xlsx' : 'csv',
    input: { path },
    totalBytes: (await stat(path)).size,
    actor: 'test',
    ...options,
  });
}

/** Empties the tables of spreadsheet imports and the push API. */
export async function resetImportTables(db: Database): Promise<void> {
  await emptyTables(db, ['import_mapping', 'import_run', 'idempotency_key']);
}

/** Everything an import may change, to compare before and after. */
export async function storedState(db: Database): Promise<unknown> {
  return {
    plan: await loadPlan(db),
    planHistory: await listPlanHistory(db, 100_000),
    work: await loadWorkItems(db),
    workHistory: await db.query('SELECT * FROM work_item_history ORDER BY seq'),
    deliveries: await db.query('SELECT * FROM ingested_delivery ORDER BY dedupe_key'),
    signals: await listSignals(db, true),
    runs: await listImportRuns(db, { limit: 500 }),
    mappings: await Promise.all(['bi', 'cfo', 'fin', 'demo'].map((s) => loadMapping(db, s))),
  };
}

/** A workbook damaged on purpose, and how its refusal must read. */
export interface DamagedWorkbook {
  /** The file name (messages name it). */
  name: string;
  bytes: Buffer;
  /** The refusal's message, after `NAME: `. */
  message: RegExp;
}

const SHEET = 'xl/worksheets/sheet1.xml';

/**
 * The LibreOffice budgets workbook (`budgets.libreoffice.xlsx`), with I-ERP's 2026-Q3 actual
 * moved to 342,500 so that a partial import would show, damaged in every way a workbook
 * arrives damaged: cut inside row 4, its sheet cut in half, the file cut at its end, a changed
 * byte under an unchanged checksum, garbled compressed data, no workbook part, a DOCTYPE with
 * an external entity, a zip bomb, a part larger than it declares.
 */
export function damagedWorkbooks(): Promise<DamagedWorkbook[]> {
  built ??= buildDamagedWorkbooks();
  return built;
}

let built: Promise<DamagedWorkbook[]> | undefined;

async function buildDamagedWorkbooks(): Promise<DamagedWorkbook[]> {
  const parts = readZipEntries(await readFile(`${SPREADSHEETS}budgets.libreoffice.xlsx`)).map(
    (part) =>
      part.name === SHEET
        ? { ...part, data: Buffer.from(part.data.toString('utf8').replace('342000', '342500')) }
        : part,
  );
  const sheet = parts.find((p) => p.name === SHEET)?.data.toString('utf8') ?? '';
  const withSheet = (data: Buffer | string, extra: Partial<ZipPart> = {}): ZipPart[] =>
    parts.map((p) => (p.name === SHEET ? { name: SHEET, data, ...extra } : p));
  const whole = writeZip(parts);
  const rowFour = sheet.indexOf('<row r="4"');
  // A zip bomb: 200 MB of rows that deflate to well under 2 MB.
  const row = '<row><c t="inlineStr"><is><t>I-ERP</t></is></c></row>';
  const bomb = Buffer.alloc(200 * 1024 ** 2, row);
  const bombXml = Buffer.concat([
    Buffer.from(sheet.slice(0, sheet.indexOf('<sheetData>') + 11)),
    bomb,
    Buffer.from(sheet.slice(sheet.indexOf('</sheetData>'))),
  ]);
  const garbled = deflateRawSync(Buffer.from(sheet));
  for (let i = 400; i < 440; i += 1) garbled[i] = (garbled[i] ?? 0) ^ 0x5a;
  const unchanged = parts.find((p) => p.name === SHEET)?.data ?? Buffer.alloc(0);
  return [
    {
      name: 'cut-in-row-4.xlsx',
      bytes: writeZip(withSheet(sheet.slice(0, rowFour + 200))),
      message:
        /^sheet 'budgets' row 4: not readable as an XLSX workbook: its part xl\/worksheets\/sheet1\.xml is damaged: its XML is cut off/,
    },
    {
      name: 'cut-in-half.xlsx',
      bytes: writeZip(withSheet(sheet.slice(0, Math.floor(sheet.length / 2)))),
      message:
        /^sheet 'budgets'.*: not readable as an XLSX workbook: its part xl\/worksheets\/sheet1\.xml is damaged: its XML is cut off/,
    },
    {
      name: 'cut-at-end.xlsx',
      bytes: whole.subarray(0, whole.length - 40),
      message:
        /^not readable as an XLSX workbook: the file ends too early \(cut off while saving or sending\?\)$/,
    },
    {
      name: 'checksum.xlsx',
      bytes: writeZip(
        withSheet(sheet.replace('342500', '942500'), { stored: true, crc: crc32(unchanged) }),
      ),
      message:
        /^sheet 'budgets': not readable as an XLSX workbook: its part xl\/worksheets\/sheet1\.xml is damaged: its checksum \(CRC-32\) does not match/,
    },
    {
      name: 'garbled.xlsx',
      bytes: writeZip(withSheet(sheet, { deflated: garbled })),
      message:
        /^sheet 'budgets'.*: not readable as an XLSX workbook: its part xl\/worksheets\/sheet1\.xml is damaged: /,
    },
    {
      name: 'no-workbook.xlsx',
      bytes: writeZip(parts.filter((p) => p.name !== 'xl/workbook.xml')),
      message: /^not readable as an XLSX workbook: it has no xl\/workbook\.xml/,
    },
    {
      name: 'doctype.xlsx',
      bytes: writeZip(
        withSheet(
          sheet
            .replace(
              '?>',
              '?>\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY lol "lol">]>',
            )
            .replace('<v>342500</v>', '<v>&xxe;</v>'),
        ),
      ),
      message:
        /^sheet 'budgets': not readable as an XLSX workbook: its part xl\/worksheets\/sheet1\.xml is damaged: it declares a DOCTYPE, which a workbook never has \(entity declarations are refused\)$/,
    },
    {
      name: 'bomb.xlsx',
      bytes: writeZip(withSheet(bombXml, { deflated: deflateRawSync(bombXml, { level: 9 }) })),
      message:
        /^sheet 'budgets': not readable as an XLSX workbook: its part xl\/worksheets\/sheet1\.xml is damaged: it would unpack to 200.* MB from .* \(more than 100 times\): refused as a possible zip bomb$/,
    },
    {
      name: 'larger-than-declared.xlsx',
      bytes: writeZip(withSheet(sheet, { size: sheet.length - 100 })),
      message:
        /^sheet 'budgets'.*: not readable as an XLSX workbook: its part xl\/worksheets\/sheet1\.xml is damaged: it unpacks to more than/,
    },
  ];
}
