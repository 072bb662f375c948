import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { DEMO_AS_OF, loadDemo } from '../src/app/load-demo.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { loadPlan } from '../src/store/plan-store.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { openTestDatabase, resetDatabase, TEST_DATABASES } from './support/databases.ts';
import {
  damagedWorkbooks,
  resetImportTables,
  SPREADSHEETS,
  storedState,
} from './support/import-helpers.ts';
import { readZipEntries, writeZip } from './support/zip-entry.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** A line of a stack trace or a source location of ours. */
const STACK_TRACE = /^\s*at\s|\bat\s+\S+\s+\(|\.(?:ts|js|mjs|cjs):\d+:\d+/m;

interface ErrorBody {
  code: string;
  message: string;
  problems?: {
    code: string;
    message: string;
    file?: string;
    line?: number;
    column?: number;
    path?: string;
  }[];
}

describe.each(TEST_DATABASES)('imports and the push API over HTTP on $name', (kind) => {
  let db: Database;
  let ctx: AppContext;
  let app: FastifyInstance;
  let base: string;
  let token: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    ctx = { db, clock: pinnedClock(DEMO_AS_OF) };
    app = await buildServer(ctx);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });
  beforeEach(async () => {
    await resetDatabase(db);
    await resetImportTables(db);
    await loadDemo(ctx, undefined);
    token = await createApiToken(db, 'lena', 'test', new Date());
  });

  function call(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
    });
  }

  async function expectError(response: Response, status: number, code: string): Promise<ErrorBody> {
    const text = await response.text();
    expect(response.status, text).toBe(status);
    expect(text).not.toMatch(STACK_TRACE);
    const body = JSON.parse(text) as ErrorBody;
    expect(body.code, text).toBe(code);
    return body;
  }

  function importQuery(params: Record<string, string>): string {
    return `/api/v1/imports?${new URLSearchParams(params).toString()}`;
  }

  it('imports a CSV body with a mapping given as a parameter, and saves the mapping', async () => {
    const mapping = await readFile(`${SPREADSHEETS}budgets.mapping.json`, 'utf8');
    const response = await call(importQuery({ source: 'cfo', file: 'budgets.csv', mapping }), {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: await readFile(`${SPREADSHEETS}budgets.csv`),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toMatchObject({
      source: 'cfo',
      file: 'budgets.csv',
      format: 'csv',
      kind: 'budgets',
      rows: { read: 4, applied: 4, skipped: 0 },
      figureChangeCount: 6,
      mappingSaved: true,
      runId: 1,
    });
    const saved = await call('/api/v1/imports/mappings/cfo');
    expect(await saved.json()).toMatchObject({
      source: 'cfo',
      mapping: { kind: 'budgets' },
      updatedBy: 'lena',
    });
    const runs = (await (await call('/api/v1/imports?source=cfo')).json()) as {
      imports: { outcome: string }[];
    };
    expect(runs.imports.map((r) => r.outcome)).toEqual(['applied']);
  });

  it('imports an XLSX body (written by LibreOffice) with the saved mapping', async () => {
    const put = await call('/api/v1/imports/mappings/cfo', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: await readFile(`${SPREADSHEETS}budgets.mapping.json`),
    });
    expect(put.status).toBe(200);
    const response = await call(importQuery({ source: 'cfo' }), {
      method: 'POST',
      headers: { 'content-type': XLSX },
      body: await readFile(`${SPREADSHEETS}budgets.libreoffice.xlsx`),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toMatchObject({
      file: 'upload.xlsx',
      format: 'xlsx',
      figureChangeCount: 6,
    });
    const plan = await loadPlan(db);
    expect(plan?.initiatives.find((i) => i.id === 'I-ERP')?.budget['2026-Q3']?.actual).toBe(342000);
  });

  it('refuses a file with a bad row whole: 400, every problem naming its cell, nothing changed', async () => {
    const before = (await storedState(db)) as { runs: unknown[] };
    const mapping = await readFile(`${SPREADSHEETS}budgets.mapping.json`, 'utf8');
    const response = await call(importQuery({ source: 'cfo', file: 'budgets-bad.xlsx', mapping }), {
      method: 'POST',
      headers: { 'content-type': XLSX },
      body: await readFile(`${SPREADSHEETS}budgets-bad.libreoffice.xlsx`),
    });
    const body = await expectError(response, 400, 'import.bad_cell');
    expect(body.problems?.[0]).toEqual({
      code: 'import.bad_cell',
      message:
        "budgets-bad.xlsx: sheet 'budgets-bad' row 3 column E (Actual): 'n/a' is not a number",
      file: 'budgets-bad.xlsx',
      line: 3,
      column: 5,
      path: "'budgets-bad'!E3",
    });
    expect(body.problems?.map((p) => p.code)).toEqual([
      'import.bad_cell',
      'import.unknown_reference',
      'import.rows_refused',
    ]);
    const after = (await storedState(db)) as { runs: unknown[] };
    expect({ ...after, runs: before.runs }).toEqual(before);
  });

  it('a dry run answers what would change and changes nothing', async () => {
    const before = await storedState(db);
    const mapping = await readFile(`${SPREADSHEETS}kpi-actuals.mapping.json`, 'utf8');
    const response = await call(importQuery({ source: 'bi', mapping, dryRun: 'true' }), {
      method: 'POST',
      headers: { 'content-type': 'text/csv; charset=utf-8' },
      body: await readFile(`${SPREADSHEETS}kpi-actuals.csv`),
    });
    expect(await response.json()).toMatchObject({
      dryRun: true,
      runId: null,
      figureChangeCount: 3,
    });
    expect(await storedState(db)).toEqual(before);
  });

  it('skipBadRows imports the good rows and lists the bad ones', async () => {
    const mapping = await readFile(`${SPREADSHEETS}budgets.mapping.json`, 'utf8');
    const response = await call(
      importQuery({ source: 'cfo', mapping, skipBadRows: 'true', file: 'b.csv' }),
      {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: await readFile(`${SPREADSHEETS}budgets-bad.csv`),
      },
    );
    expect(await response.json()).toMatchObject({
      mode: 'skip_bad_rows',
      rows: { applied: 1, skipped: 2 },
      problems: [
        { code: 'import.bad_cell', line: 3, column: 5, path: 'E3' },
        { code: 'import.unknown_reference', line: 4, column: 1, path: 'A4' },
      ],
    });
  });

  interface StoredRuns {
    runs: { outcome: string; file: string }[];
  }

  /** The stored state is as before, but for refused runs recorded for `files`. */
  async function expectOnlyRefusals(before: StoredRuns, files: string[]): Promise<void> {
    const after = (await storedState(db)) as StoredRuns;
    expect({ ...after, runs: before.runs }).toEqual(before);
    const added = after.runs.slice(0, after.runs.length - before.runs.length);
    expect(added.map((r) => r.outcome)).toEqual(files.map(() => 'refused'));
    expect(added.map((r) => r.file).sort()).toEqual([...files].sort());
  }

  it('refuses a workbook that does not read whole: 400 naming the part, sheet and row, nothing applied', async () => {
    const before = (await storedState(db)) as StoredRuns;
    const mapping = await readFile(`${SPREADSHEETS}budgets.mapping.json`, 'utf8');
    const damaged = await damagedWorkbooks();
    for (const workbook of damaged) {
      for (const skipBadRows of ['false', 'true']) {
        const response = await call(
          importQuery({ source: 'cfo', file: workbook.name, mapping, skipBadRows }),
          { method: 'POST', headers: { 'content-type': XLSX }, body: workbook.bytes },
        );
        const body = await expectError(response, 400, 'import.bad_file');
        expect(body.message.startsWith(`${workbook.name}: `), body.message).toBe(true);
        expect(body.message.slice(workbook.name.length + 2)).toMatch(workbook.message);
      }
    }
    const cut = await call(importQuery({ source: 'cfo', file: 'cut-in-row-4.xlsx', mapping }), {
      method: 'POST',
      headers: { 'content-type': XLSX },
      body: damaged[0]?.bytes,
    });
    expect((await expectError(cut, 400, 'import.bad_file')).problems?.[0]).toMatchObject({
      file: 'cut-in-row-4.xlsx',
      line: 4,
      path: "'budgets'!4",
    });
    await expectOnlyRefusals(
      before,
      [...damaged, ...damaged, damaged[0]].map((w) => w?.name ?? ''),
    );
  }, 120_000);

  it('refuses text PostgreSQL cannot store (NUL, lone surrogates) as a bad cell, or skips its row', async () => {
    const before = (await storedState(db)) as StoredRuns;
    const mapping = await readFile(`${SPREADSHEETS}budgets.mapping.json`, 'utf8');
    const csv = (await readFile(`${SPREADSHEETS}budgets.csv`, 'utf8')).replace(
      'I-ERP,2026-Q4',
      'I-E\u0000RP,2026-Q4',
    );
    const refused = await call(importQuery({ source: 'cfo', file: 'nul.csv', mapping }), {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    });
    const body = await expectError(refused, 400, 'import.bad_cell');
    expect(body.problems?.[0]).toEqual({
      code: 'import.bad_cell',
      message:
        'nul.csv: row 3 column A (Initiative): contains a NUL character (\\u0000) at character 4',
      file: 'nul.csv',
      line: 3,
      column: 1,
      path: 'A3',
    });
    expect(body.problems?.map((p) => p.code)).toEqual(['import.bad_cell', 'import.rows_refused']);

    // In XLSX: OOXML's escapes for NUL and for a lone surrogate, in a shared and an inline string.
    const parts = readZipEntries(await readFile(`${SPREADSHEETS}budgets.libreoffice.xlsx`)).map(
      (part) => {
        const text = part.data.toString('utf8');
        if (part.name === 'xl/sharedStrings.xml') {
          return { ...part, data: text.replace('>I-PROC<', '>I-_x0000_PROC<') };
        }
        if (part.name === 'xl/worksheets/sheet1.xml') {
          return {
            ...part,
            data: text.replace(
              '<c r="B5" s="0" t="s"><v>10</v></c>',
              '<c r="B5" t="inlineStr"><is><t>2026-_xD800_10</t></is></c>',
            ),
          };
        }
        return part;
      },
    );
    const xlsx = await call(importQuery({ source: 'cfo', file: 'nul.xlsx', mapping }), {
      method: 'POST',
      headers: { 'content-type': XLSX },
      body: writeZip(parts),
    });
    const xlsxBody = await expectError(xlsx, 400, 'import.bad_cell');
    expect(xlsxBody.problems?.slice(0, 2)).toEqual([
      {
        code: 'import.bad_cell',
        message:
          "nul.xlsx: sheet 'budgets' row 4 column A (Initiative): contains a NUL character (\\u0000) at character 3",
        file: 'nul.xlsx',
        line: 4,
        column: 1,
        path: "'budgets'!A4",
      },
      {
        code: 'import.bad_cell',
        message:
          "nul.xlsx: sheet 'budgets' row 5 column B (Period): contains an unpaired UTF-16 surrogate (not valid Unicode) at character 6",
        file: 'nul.xlsx',
        line: 5,
        column: 2,
        path: "'budgets'!B5",
      },
    ]);

    // A Jira CSV export with a NUL in a summary.
    const jira = (await readFile(`${SPREADSHEETS}jira-export.erp.csv`, 'utf8')).replace(
      'Data migration cutover',
      'Data migration\u0000cutover',
    );
    const jiraRefused = await call(importQuery({ source: 'erp', file: 'jira.csv' }), {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: jira,
    });
    expect((await expectError(jiraRefused, 400, 'import.bad_cell')).problems?.[0]).toMatchObject({
      message:
        'jira.csv: row 3 column A (Summary): contains a NUL character (\\u0000) at character 15',
      path: 'A3',
    });

    // Bytes that are not UTF-8.
    const latin1 = await call(importQuery({ source: 'cfo', file: 'latin1.csv', mapping }), {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: Buffer.from(csv.replace('I-E\u0000RP', 'I-ÉRP'), 'latin1'),
    });
    expect((await expectError(latin1, 400, 'import.bad_file')).message).toBe(
      'latin1.csv: row 3: not readable as CSV: the text is not valid UTF-8 at byte 78 (line 3); save it as "CSV UTF-8"',
    );
    // A file name that would carry a NUL into messages and the run log.
    const badName = await call(importQuery({ source: 'cfo', file: 'a\u0000.csv', mapping }), {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    });
    expect((await expectError(badName, 400, 'request.invalid')).message).toMatch(
      /^querystring\/file/,
    );
    await expectOnlyRefusals(before, ['nul.csv', 'nul.xlsx', 'jira.csv', 'latin1.csv']);

    const skipped = await call(
      importQuery({ source: 'cfo', file: 'nul.csv', mapping, skipBadRows: 'true' }),
      { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv },
    );
    expect(skipped.status, await skipped.clone().text()).toBe(200);
    expect(await skipped.json()).toMatchObject({
      rows: { read: 4, applied: 3, skipped: 1 },
      problems: [{ code: 'import.bad_cell', line: 3, column: 1, path: 'A3' }],
    });
  }, 120_000);

  it('refuses malformed bodies, wrong content types and bad mappings with clear 4xx answers', async () => {
    const malformed = await call(importQuery({ source: 'cfo', file: 'malformed.xlsx' }), {
      method: 'POST',
      headers: { 'content-type': XLSX },
      body: await readFile(`${SPREADSHEETS}malformed.xlsx`),
    });
    // A cut-off workbook: refused before a single row is read.
    await expectError(malformed, 400, 'import.bad_file');

    const wrongType = await call(importQuery({ source: 'cfo' }), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"rows": []}',
    });
    await expectError(wrongType, 415, 'request.unsupported_media_type');

    const xlsxAsCsv = await call(importQuery({ source: 'cfo' }), {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: await readFile(`${SPREADSHEETS}budgets.libreoffice.xlsx`),
    });
    expect((await expectError(xlsxAsCsv, 400, 'import.bad_file')).message).toBe(
      'upload.csv: is an XLSX workbook (a zip archive), not CSV text',
    );

    const badMapping = await call(
      importQuery({
        source: 'cfo',
        mapping: '{"kind":"budgets","columns":{"initiative":"I","period":"P","actul":"A"}}',
      }),
      { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'I,P,A\n' },
    );
    expect((await expectError(badMapping, 400, 'import.unknown_column')).message).toMatch(
      /\$\.columns\.actul: rows of kind budgets have no field 'actul' \(did you mean 'actual'\?\)/,
    );

    const notJson = await call(importQuery({ source: 'cfo', mapping: '{kind' }), {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'a\n',
    });
    await expectError(notJson, 400, 'import.bad_mapping');

    const noSource = await call('/api/v1/imports', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'a\n',
    });
    await expectError(noSource, 400, 'request.invalid');

    const unauthenticated = await fetch(`${base}${importQuery({ source: 'cfo' })}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'a\n',
    });
    await expectError(unauthenticated, 401, 'auth.missing_token');

    const noMapping = await call('/api/v1/imports/mappings/nobody');
    await expectError(noMapping, 404, 'not_found');
  });

  it('pushes KPI actuals; the same Idempotency-Key again replays the same answer and changes nothing', async () => {
    const body = JSON.stringify({
      source: 'bi',
      actuals: [{ kpi: 'K-OTD', period: '2026-Q3', value: 85 }],
    });
    const push = (key: string, payload = body): Promise<Response> =>
      call('/api/v1/push/kpi-actuals', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: payload,
      });
    const first = await push('key-1');
    const firstText = await first.text();
    expect(first.status, firstText).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(JSON.parse(firstText)).toMatchObject({
      received: 1,
      changed: 1,
      signals: { raised: ['kpi.misses_target:K-OTD:2026-Q3'] },
    });
    const state = await storedState(db);

    const second = await push('key-1');
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.text()).toBe(firstText);
    expect(await storedState(db)).toEqual(state);

    const reused = await push(
      'key-1',
      JSON.stringify({ actuals: [{ kpi: 'K-OTD', period: '2026-Q3', value: 86 }] }),
    );
    await expectError(reused, 400, 'push.idempotency_key_reused');
  });

  it('pushes work items in a batch', async () => {
    const response = await call('/api/v1/push/work-items', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'w-1' },
      body: JSON.stringify({
        source: 'demo',
        items: [
          {
            key: 'ERP-17',
            summary: 'Data migration cutover',
            status: 'In Progress',
            statusCategory: 'in_progress',
            dueDate: '2026-10-23',
            parentKey: 'ERP-1',
            updatedAt: '2026-09-15T09:42:17.512+02:00',
          },
        ],
      }),
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(JSON.parse(text)).toMatchObject({
      source: 'demo',
      applied: 1,
      signals: {
        raised: expect.arrayContaining(['kpi.misses_target:K-SAVINGS:2026-Q4']) as unknown,
      },
    });
  });

  it('checks push bodies against their schema', async () => {
    const bad = await call('/api/v1/push/kpi-actuals', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ actuals: [{ kpi: 'K-OTD', period: 'Q3', value: 1 }] }),
    });
    expect((await expectError(bad, 400, 'request.invalid')).message).toMatch(
      /^body\/actuals\/0\/period/,
    );
    const unknownKpi = await call('/api/v1/push/kpi-actuals', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ actuals: [{ kpi: 'K-NOPE', period: '2026-Q3', value: 1 }] }),
    });
    expect((await expectError(unknownKpi, 400, 'plan.unknown_reference')).problems?.[0]?.path).toBe(
      '$.actuals[0].kpi',
    );
    const empty = await call('/api/v1/push/work-items', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'x', items: [] }),
    });
    await expectError(empty, 400, 'request.invalid');
  });

  it('documents the push API and imports in the OpenAPI description', async () => {
    const response = await fetch(`${base}/docs/json`);
    const spec = (await response.json()) as {
      paths: Record<
        string,
        Record<string, { parameters?: { name: string; in: string }[]; tags?: string[] }>
      >;
    };
    const kpiPush = spec.paths['/api/v1/push/kpi-actuals']?.post;
    expect(kpiPush?.tags).toEqual(['push']);
    expect(kpiPush?.parameters).toContainEqual(
      expect.objectContaining({ name: 'idempotency-key', in: 'header' }),
    );
    expect(spec.paths['/api/v1/push/work-items']?.post).toBeDefined();
    expect(spec.paths['/api/v1/imports']?.post?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['source', 'dryRun', 'skipBadRows', 'sheet', 'mapping']),
    );
    expect(spec.paths['/api/v1/imports/mappings/{source}']?.put).toBeDefined();
  });
});
