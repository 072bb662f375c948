import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedClock } from '../app/clock.ts';
import { ingestWorkItemEvents } from '../app/ingest-work.ts';
import { DEMO_AS_OF, DEMO_FILES, DEMO_SOURCE, loadDemo } from '../app/load-demo.ts';
import { normalizeJiraPayload } from '../connectors/jira/normalize-jira.ts';
import { openTestDatabase, resetDatabase, TEST_DATABASES } from '../../test/support/databases.ts';
import type { Database } from './database.ts';

// The append-only tables: history of the plan, of work items, of signals and their
// acknowledgements, the import run log, the live event log, and decisions' options, steps and
// saved scenarios (test/decisions.api.test.ts edits them with rows in them), the audit log, and
// governance's: closed periods and their adjustments, value validations, baselines, review packs
// and gate decisions.
const HISTORY = [
  'audit_log',
  'plan_change',
  'work_item_history',
  'signal_history',
  'signal_ack',
  'import_run',
  'event_log',
  'decision_option',
  'decision_event',
  'decision_event_told',
  'scenario',
  'closed_period',
  'period_adjustment',
  'value_validation',
  'baseline',
  'review_pack',
  'gate_decision',
];
/** Tables the demo does not write. */
const EMPTY_IN_DEMO = [
  'import_run',
  'decision_option',
  'decision_event',
  'decision_event_told',
  'scenario',
  'period_adjustment',
  'value_validation',
  'baseline',
  'review_pack',
  'gate_decision',
];

/** A column of each table an UPDATE can name (`at` where none is given). */
const TOUCHED_COLUMN: Record<string, string> = {
  work_item_history: 'received_at',
  decision_option: 'title',
  decision_event_told: 'told_at',
  scenario: 'created_at',
  closed_period: 'closed_at',
  period_adjustment: 'adjusted_at',
  value_validation: 'validated_at',
  baseline: 'saved_at',
  review_pack: 'published_at',
  gate_decision: 'decided_at',
};

async function count(db: Database, table: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return row?.n ?? 0;
}

describe.each(TEST_DATABASES)('history the application cannot erase ($name)', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const ctx = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    // The ERP slip raises signals: signal history gets rows.
    const slip: unknown = JSON.parse(await readFile(DEMO_FILES.erp17Slip, 'utf8'));
    await ingestWorkItemEvents(
      ctx,
      normalizeJiraPayload(slip, { source: DEMO_SOURCE, file: DEMO_FILES.erp17Slip }).entries,
    );
    await db.query(`INSERT INTO signal_ack (signal_id, person_id, at) VALUES ('s', 'dana', now())`);
  });
  afterAll(async () => {
    await db.close();
  });

  it.each(HISTORY)('refuses TRUNCATE, UPDATE and DELETE on %s', async (table) => {
    const before = await count(db, table);
    // The demo writes every history but the import log and decisions.
    if (!EMPTY_IN_DEMO.includes(table)) expect(before).toBeGreaterThan(0);
    await expect(db.exec(`TRUNCATE ${table}`)).rejects.toThrow(
      `history is append-only: TRUNCATE on ${table} refused`,
    );
    await expect(db.exec(`TRUNCATE ${table} RESTART IDENTITY CASCADE`)).rejects.toThrow(
      /append-only/,
    );
    if (before > 0) {
      const column = TOUCHED_COLUMN[table] ?? 'at';
      await expect(db.exec(`UPDATE ${table} SET ${column} = ${column}`)).rejects.toThrow(
        /append-only/,
      );
      await expect(db.exec(`DELETE FROM ${table}`)).rejects.toThrow(/append-only/);
    }
    expect(await count(db, table)).toBe(before);
  });

  it('guards every table that refuses edits against TRUNCATE as well', async () => {
    const rows = await db.query<{ name: string; row_guard: boolean; truncate_guard: boolean }>(
      `SELECT c.relname AS name,
              bool_or(t.tgtype & 24 <> 0) AS row_guard,
              bool_or(t.tgtype & 32 <> 0) AS truncate_guard
       FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND t.tgfoid = 'refuse_history_edit'::regproc
       GROUP BY c.relname ORDER BY c.relname`,
    );
    expect(rows.map((r) => r.name)).toEqual([...HISTORY].sort());
    for (const row of rows) expect(row).toMatchObject({ row_guard: true, truncate_guard: true });
  });

  it('still lets the tests empty every table, and the guards stand again after', async () => {
    await resetDatabase(db);
    for (const table of HISTORY) expect(await count(db, table)).toBe(0);
    await db.query(`INSERT INTO signal_ack (signal_id, person_id, at) VALUES ('s', 'dana', now())`);
    await expect(db.exec('TRUNCATE signal_ack')).rejects.toThrow(/append-only/);
    expect(await count(db, 'signal_ack')).toBe(1);
  });
});
