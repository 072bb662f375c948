import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import type { Initiative, Plan } from '../../src/core/domain/plan.ts';

/**
 * A plan and budget spreadsheets as large as asked, for the import benchmark and the
 * kill-mid-import test: `initiatives × months` rows, every row a new budget line.
 */

/** The budget mapping the generated files are read with. */
export const BIG_BUDGET_MAPPING = {
  kind: 'budgets',
  columns: {
    initiative: 'Initiative',
    period: 'Month',
    plan: 'Plan',
    committed: 'Committed',
    actual: 'Actual',
  },
} as const;

/** `count` consecutive months from 2000-01: `2000-01`, `2000-02`, … */
export function monthLabels(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const year = 2000 + Math.floor(i / 12);
    return `${year}-${String((i % 12) + 1).padStart(2, '0')}`;
  });
}

/** A valid plan with `initiatives` initiatives (`I-00001` …) and no budget yet. */
export function buildBigPlan(initiatives: number): Plan {
  const list: Initiative[] = Array.from({ length: initiatives }, (_, i) => ({
    id: `I-${String(i + 1).padStart(5, '0')}`,
    name: `Initiative ${i + 1}`,
    owner: 'olu',
    unit: 'PMO',
    objectives: ['O-1'],
    budget: {},
  }));
  return {
    organisation: { id: 'bench', name: 'Bench Org', defaultCalendar: 'std', currency: 'USD' },
    calendars: [{ id: 'std', name: 'Mon–Fri', workingDays: [1, 2, 3, 4, 5], holidays: [] }],
    units: [{ id: 'PMO', name: 'PMO' }],
    people: [{ id: 'olu', name: 'Olu Bench', unit: 'PMO' }],
    objectives: [{ id: 'O-1', name: 'Deliver the portfolio', owner: 'olu' }],
    kpis: [],
    initiatives: list,
    milestones: [],
    dependencies: [],
    benefits: [],
    demands: [],
  };
}

function rowValues(initiative: number, month: number): [number, number, number] {
  const plan = 10_000 + ((initiative * 7919 + month * 104_729) % 90_000);
  return [plan, Math.round(plan * 0.8), Math.round(plan * 0.61 * 100) / 100];
}

/** Writes `initiatives × months` budget rows as CSV, streaming; returns the row count. */
export async function writeBigBudgetCsv(
  path: string,
  initiatives: number,
  months: number,
): Promise<number> {
  const out = createWriteStream(path);
  const labels = monthLabels(months);
  const write = async (line: string): Promise<void> => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write('Initiative,Month,Plan,Committed,Actual\n');
  let rows = 0;
  for (let i = 1; i <= initiatives; i += 1) {
    const id = `I-${String(i).padStart(5, '0')}`;
    for (let m = 0; m < months; m += 1) {
      const [plan, committed, actual] = rowValues(i, m);
      await write(`${id},${labels[m]},${plan},${committed},${actual}\n`);
      rows += 1;
    }
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

/** The same rows as an XLSX workbook, written with exceljs' streaming writer. */
export async function writeBigBudgetXlsx(
  path: string,
  initiatives: number,
  months: number,
): Promise<number> {
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
  const sheet = writer.addWorksheet('Budgets');
  sheet.addRow(['Initiative', 'Month', 'Plan', 'Committed', 'Actual']).commit();
  const labels = monthLabels(months);
  let rows = 0;
  for (let i = 1; i <= initiatives; i += 1) {
    const id = `I-${String(i).padStart(5, '0')}`;
    for (let m = 0; m < months; m += 1) {
      sheet.addRow([id, labels[m], ...rowValues(i, m)]).commit();
      rows += 1;
    }
  }
  sheet.commit();
  await writer.commit();
  return rows;
}

/** Writes `count` issues as Jira's CSV export would (a few of its columns); returns the count. */
export async function writeBigJiraCsv(path: string, count: number): Promise<number> {
  const out = createWriteStream(path);
  const write = async (line: string): Promise<void> => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write(
    'Summary,Issue key,Issue id,Issue Type,Status,Updated,Due date,Labels,Labels,Outward issue link (Blocks),Status Category\n',
  );
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  for (let i = 1; i <= count; i += 1) {
    const day = String((i % 28) + 1).padStart(2, '0');
    const month = months[i % 12] ?? 'Jan';
    const blocks = i % 10 === 0 ? `BIG-${i + 1}` : '';
    await write(
      `"Work item ${i}, part of the bench",BIG-${i},${100000 + i},Task,In Progress,${day}/${month}/26 9:${String(i % 60).padStart(2, '0')} AM,${day}/${month}/27 12:00 AM,bench,big,${blocks},In Progress\n`,
    );
  }
  out.end();
  await once(out, 'finish');
  return count;
}
