import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, TEST_DATABASES } from '../../test/support/databases.ts';
import { resetImportTables } from '../../test/support/import-helpers.ts';
import type { Database } from './database.ts';
import {
  findIdempotentResponse,
  listImportRuns,
  loadMapping,
  recordImportRun,
  saveMapping,
  storeIdempotentResponse,
  type ImportRun,
} from './import-store.ts';

const AT = new Date('2026-09-14T08:00:00.000Z');

function run(overrides: Partial<Omit<ImportRun, 'id'>> = {}): Omit<ImportRun, 'id'> {
  return {
    source: 'cfo',
    file: 'budgets.xlsx',
    format: 'xlsx',
    kind: 'budgets',
    mode: 'all_or_nothing',
    outcome: 'applied',
    startedAt: '2026-09-14T08:00:00.000Z',
    finishedAt: '2026-09-14T08:00:01.500Z',
    rowsRead: 12,
    rowsApplied: 12,
    rowsSkipped: 0,
    changes: 3,
    problemCount: 0,
    problems: [],
    mapping: { kind: 'budgets' },
    actor: 'lena',
    ...overrides,
  };
}

describe.each(TEST_DATABASES)('import store on $name', (kind) => {
  let db: Database;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await resetImportTables(db);
  });

  it('saves a mapping per source and replaces it', async () => {
    expect(await loadMapping(db, 'cfo')).toBeNull();
    await db.transaction((tx) =>
      saveMapping(tx, 'cfo', { kind: 'budgets', columns: { a: 1 } }, AT, 'lena'),
    );
    await db.transaction((tx) => saveMapping(tx, 'bi', { kind: 'kpi_actuals' }, AT, 'sam'));
    const later = new Date('2026-09-15T08:00:00.000Z');
    await db.transaction((tx) =>
      saveMapping(tx, 'cfo', { kind: 'budgets', columns: { b: 2 } }, later, 'grace'),
    );
    expect(await loadMapping(db, 'cfo')).toEqual({
      source: 'cfo',
      mapping: { kind: 'budgets', columns: { b: 2 } },
      updatedAt: later.toISOString(),
      updatedBy: 'grace',
    });
    expect((await loadMapping(db, 'bi'))?.updatedBy).toBe('sam');
  });

  it('records import runs, lists them newest first, by source', async () => {
    const first = await db.transaction((tx) => recordImportRun(tx, run()));
    const problem = {
      code: 'import.bad_cell' as const,
      message: "x.csv: row 3 column E (Actual): 'n/a' is not a number",
      line: 3,
      column: 5,
    };
    const second = await db.transaction((tx) =>
      recordImportRun(
        tx,
        run({ outcome: 'refused', rowsApplied: 0, problemCount: 1, problems: [problem] }),
      ),
    );
    await db.transaction((tx) => recordImportRun(tx, run({ source: 'bi', kind: 'kpi_actuals' })));
    expect(second).toBeGreaterThan(first);
    const runs = await listImportRuns(db, { source: 'cfo' });
    expect(runs.map((r) => [r.id, r.outcome])).toEqual([
      [second, 'refused'],
      [first, 'applied'],
    ]);
    expect(runs[0]).toEqual({
      ...run({ outcome: 'refused', rowsApplied: 0, problemCount: 1, problems: [problem] }),
      id: second,
    });
    expect(await listImportRuns(db)).toHaveLength(3);
  });

  it('keeps the run log append-only', async () => {
    const id = await db.transaction((tx) => recordImportRun(tx, run()));
    await expect(
      db.query("UPDATE import_run SET outcome = 'refused' WHERE id = $1", [id]),
    ).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM import_run WHERE id = $1', [id])).rejects.toThrow(
      /append-only/,
    );
  });

  it('stores the answer of an idempotency key per caller and operation, as it was sent', async () => {
    const key = { actor: 'sam', scope: 'push.kpi-actuals', key: 'k-1' };
    expect(await findIdempotentResponse(db, key)).toBeNull();
    const response = {
      received: 2,
      changed: 1,
      signals: { raised: [], changed: [], resolved: [] },
      note: 'é',
    };
    await db.transaction((tx) =>
      storeIdempotentResponse(tx, key, { requestHash: 'abc', statusCode: 200, response }, AT),
    );
    expect(await findIdempotentResponse(db, key)).toEqual({
      requestHash: 'abc',
      statusCode: 200,
      response,
      createdAt: AT.toISOString(),
    });
    // Stored as text: the key order of the answer survives.
    const [row] = await db.query<{ response: string }>('SELECT response FROM idempotency_key');
    expect(row?.response).toBe(JSON.stringify(response));
    expect(await findIdempotentResponse(db, { ...key, actor: 'lena' })).toBeNull();
    expect(await findIdempotentResponse(db, { ...key, scope: 'push.work-items' })).toBeNull();
    await expect(
      db.transaction((tx) =>
        storeIdempotentResponse(tx, key, { requestHash: 'def', statusCode: 200, response }, AT),
      ),
    ).rejects.toThrow();
  });
});
