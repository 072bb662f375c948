import { isIsoDate } from '../../core/calendar.ts';
import type { Problem } from '../../core/errors.ts';
import type { StatusCategory, WorkItem, WorkItemEvent } from '../../core/domain/work-item.ts';
import { DomainError } from '../../core/errors.ts';
import {
  sheetProblem,
  showCell,
  type CellValue,
  type SheetPlace,
  type SheetRow,
} from '../spreadsheet/sheet-row.ts';

/**
 * Jira's own "Export CSV (all fields)", the fallback when no API access is allowed. The
 * export repeats a column once per value of a multi-value field (`Labels`×3,
 * `Outward issue link (Blocks)`×N); its times are written in the exporting user's format and
 * time zone, by default `09/Jan/24 3:54 PM`. Each row becomes a work-item snapshot event, as
 * a search page would: the CSV says how the issue looks, not what moved. Column names stay in
 * this file.
 */

const COLUMN = {
  key: 'issue key',
  id: 'issue id',
  summary: 'summary',
  status: 'status',
  statusCategory: 'status category',
  statusCategoryChanged: 'status category changed',
  issueType: 'issue type',
  dueDate: 'due date',
  resolved: 'resolved',
  assignee: 'assignee',
  updated: 'updated',
  parentKey: 'parent key',
  parent: 'parent',
  epicLink: 'custom field (epic link)',
} as const;

const REQUIRED = ['key', 'summary', 'status', 'updated'] as const;

/** How a link column reads: `Outward issue link (Blocks)` → outward, type `Blocks`. */
const LINK_COLUMN = /^(inward|outward) issue link \((.+)\)$/i;

/** Link type names that mean "blocks" (as `jira-links.ts` reads the API's links). */
const BLOCK_TYPES = new Set(['blocks', 'blocker', 'blocked']);

export interface JiraCsvBinding {
  /** First column index of each single-value column found. */
  single: Partial<Record<keyof typeof COLUMN, number>>;
  startDate: number | undefined;
  /** Every link column: its index, direction and link type name. */
  links: { index: number; direction: 'inward' | 'outward'; type: string }[];
  headers: string[];
}

export interface JiraCsvOptions {
  /** The source (site) the items belong to. */
  source: string;
  file: string;
  /** The export's time zone: `Z` or `+02:00`. */
  timeZone: string;
  /** The start-date column's header. */
  startDateColumn: string;
}

function normal(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value).trim().replace(/\s+/g, ' ').toLowerCase();
}

/** True when a header row is Jira's CSV export: it has an issue key, a summary and a status. */
export function looksLikeJiraCsv(header: readonly CellValue[]): boolean {
  const names = new Set(header.map(normal));
  return names.has(COLUMN.key) && names.has(COLUMN.summary) && names.has(COLUMN.status);
}

/**
 * Finds the export's columns in its header row; the issue key, summary, status and updated
 * columns must be there (`import.missing_column` otherwise).
 */
export function bindJiraCsvHeader(
  header: readonly CellValue[],
  place: SheetPlace,
  options: Pick<JiraCsvOptions, 'startDateColumn'>,
): JiraCsvBinding {
  const binding: JiraCsvBinding = { single: {}, startDate: undefined, links: [], headers: [] };
  const byName = new Map<string, string>(
    Object.entries(COLUMN).map(([field, name]) => [name, field]),
  );
  const startDate = normal(options.startDateColumn);
  header.forEach((cell, index) => {
    const name = normal(cell);
    binding.headers[index] = cell === null ? '' : String(cell).trim();
    const field = byName.get(name) as keyof typeof COLUMN | undefined;
    if (field !== undefined && binding.single[field] === undefined) binding.single[field] = index;
    if (name === startDate && binding.startDate === undefined) binding.startDate = index;
    const link = LINK_COLUMN.exec(String(cell ?? '').trim());
    if (link?.[1] !== undefined && link[2] !== undefined) {
      binding.links.push({
        index,
        direction: link[1].toLowerCase() as 'inward' | 'outward',
        type: link[2],
      });
    }
  });
  const missing = REQUIRED.filter((field) => binding.single[field] === undefined);
  if (missing.length > 0) {
    throw new DomainError(
      missing.map((field) =>
        sheetProblem(
          'import.missing_column',
          place,
          `no column '${titleOf(COLUMN[field])}': is this Jira's "Export CSV (all fields)"?`,
        ),
      ),
    );
  }
  return binding;
}

function titleOf(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export type JiraCsvRow =
  | { status: 'ok'; event: WorkItemEvent }
  | { status: 'bad'; problems: Problem[] }
  | { status: 'blank' };

/** Turns one row of the export into a work-item snapshot event, or names its bad cells. */
export function normalizeJiraCsvRow(
  binding: JiraCsvBinding,
  row: SheetRow,
  options: JiraCsvOptions,
): JiraCsvRow {
  if (row.cells.every((c) => normal(c) === '')) return { status: 'blank' };
  const problems: Problem[] = [];
  const placeOf = (index: number): SheetPlace => ({
    file: options.file,
    sheet: row.sheet,
    row: row.row,
    column: index,
    header: binding.headers[index] ?? '',
  });
  const cell = (field: keyof typeof COLUMN): CellValue => {
    const index = binding.single[field];
    return index === undefined ? null : (row.cells[index] ?? null);
  };
  const text = (field: keyof typeof COLUMN): string | null => {
    const value = cell(field);
    if (value === null) return null;
    const string = value instanceof Date ? value.toISOString() : String(value).trim();
    return string === '' ? null : string;
  };
  const required = (field: (typeof REQUIRED)[number]): string => {
    const value = text(field);
    if (value === null) {
      problems.push(
        sheetProblem('import.bad_cell', placeOf(binding.single[field] ?? 0), 'is empty'),
      );
    }
    return value ?? '';
  };
  const time = (index: number | undefined): string | null => {
    if (index === undefined) return null;
    const value = row.cells[index] ?? null;
    if (value === null || (typeof value === 'string' && value.trim() === '')) return null;
    const parsed = parseJiraCsvTime(value, options.timeZone);
    if (parsed === null) {
      problems.push(
        sheetProblem(
          'import.bad_cell',
          placeOf(index),
          `${showCell(value)} is not a date or time as Jira exports them (09/Jan/24 3:54 PM, 2024-01-09 15:54)`,
        ),
      );
    }
    return parsed;
  };

  const key = required('key');
  const summary = required('summary');
  const status = required('status');
  const updatedText = required('updated');
  const updatedAt = updatedText === '' ? null : time(binding.single.updated);
  const dueAt = time(binding.single.dueDate);
  const startAt = time(binding.startDate);
  const resolvedAt = time(binding.single.resolved);
  const categoryChangedAt = time(binding.single.statusCategoryChanged);
  const statusCategory = statusCategoryOf(text('statusCategory'), status);
  if (statusCategory === null) {
    problems.push(
      sheetProblem(
        'import.bad_cell',
        placeOf(binding.single.statusCategory ?? 0),
        `${showCell(cell('statusCategory'))} is not a status category (To Do, In Progress, Done)`,
      ),
    );
  }
  if (problems.length > 0 || updatedAt === null || statusCategory === null) {
    return { status: 'bad', problems };
  }

  const blockedBy: string[] = [];
  const blocks: string[] = [];
  const links: WorkItem['links'] = [];
  for (const link of binding.links) {
    const other =
      normal(row.cells[link.index]) === '' ? null : String(row.cells[link.index]).trim();
    if (other === null) continue;
    if (BLOCK_TYPES.has(link.type.trim().toLowerCase())) {
      const list = link.direction === 'outward' ? blocks : blockedBy;
      if (!list.includes(other)) list.push(other);
    } else {
      links.push({
        relation: link.direction === 'outward' ? link.type : `${link.type} (inward)`,
        key: other,
      });
    }
  }

  const parent = text('parentKey') ?? keyLike(text('parent')) ?? text('epicLink');
  const item: WorkItem = {
    key,
    source: options.source,
    ...(text('id') === null ? {} : { sourceId: text('id') ?? '' }),
    summary,
    status,
    statusCategory,
    ...(text('issueType') === null ? {} : { issueType: text('issueType') ?? '' }),
    dueDate: dueAt?.slice(0, 10) ?? null,
    startDate: startAt?.slice(0, 10) ?? null,
    doneDate:
      statusCategory === 'done'
        ? (resolvedAt ?? categoryChangedAt ?? updatedAt).slice(0, 10)
        : null,
    parentKey: parent,
    blockedBy,
    blocks,
    links,
    assignee: text('assignee'),
    updatedAt,
  };
  return {
    status: 'ok',
    event: {
      op: 'upsert',
      item,
      change: null,
      order: { updatedAt, changelogId: null },
      dedupeKey: `csv:${options.source}:${key}:${updatedAt}`,
    },
  };
}

/** Parent ids are numbers; only a key (`ERP-12`) names a parent we can link to. */
function keyLike(text: string | null): string | null {
  return text !== null && /^[A-Z][A-Z0-9_]*-\d+$/i.test(text) ? text : null;
}

const DONE_NAMES = new Set([
  'done',
  'closed',
  'resolved',
  'complete',
  'completed',
  'cancelled',
  'canceled',
]);
const TODO_NAMES = new Set(['to do', 'todo', 'open', 'backlog', 'new', 'selected for development']);

/**
 * The status category from its column (`To Do`, `In Progress`, `Done`); an export without that
 * column falls back on common status names, and anything else counts as in progress.
 */
function statusCategoryOf(category: string | null, status: string): StatusCategory | null {
  if (category !== null) {
    const name = category.trim().toLowerCase();
    if (name === 'to do' || name === 'new') return 'todo';
    if (name === 'in progress' || name === 'indeterminate') return 'in_progress';
    if (name === 'done' || name === 'complete') return 'done';
    return null;
  }
  const name = status.trim().toLowerCase();
  if (DONE_NAMES.has(name)) return 'done';
  if (TODO_NAMES.has(name)) return 'todo';
  return 'in_progress';
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const JIRA_FORMAT =
  /^(\d{1,2})\/([A-Za-z]{3})\/(\d{2}|\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/;
const ISO_FORMAT = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * An export's time as ISO 8601 in the export's time zone: `09/Jan/24 3:54 PM` with `+01:00` →
 * `2024-01-09T15:54:00.000+01:00`. Also reads `2024-01-09 15:54` and date cells (an XLSX saved
 * from the export). Null when the text is none of these.
 */
export function parseJiraCsvTime(value: CellValue, timeZone: string): string | null {
  const zone = timeZone === 'Z' ? 'Z' : timeZone;
  let year: number;
  let month: number;
  let day: number;
  let hours = 0;
  let minutes = 0;
  let seconds = 0;
  if (value instanceof Date) {
    // Spreadsheet dates have no zone: their UTC fields are the wall-clock time shown.
    year = value.getUTCFullYear();
    month = value.getUTCMonth() + 1;
    day = value.getUTCDate();
    hours = value.getUTCHours();
    minutes = value.getUTCMinutes();
    seconds = value.getUTCSeconds();
  } else if (typeof value === 'string') {
    const text = value.trim();
    const jira = JIRA_FORMAT.exec(text);
    const iso = ISO_FORMAT.exec(text);
    if (jira !== null) {
      const monthIndex = MONTHS.indexOf((jira[2] ?? '').toLowerCase());
      if (monthIndex < 0) return null;
      day = Number(jira[1]);
      month = monthIndex + 1;
      year = Number(jira[3]);
      if (year < 100) year += 2000;
      hours = Number(jira[4] ?? 0);
      minutes = Number(jira[5] ?? 0);
      seconds = Number(jira[6] ?? 0);
      const half = jira[7]?.toLowerCase();
      if (half !== undefined) {
        if (hours < 1 || hours > 12) return null;
        hours = (hours % 12) + (half === 'pm' ? 12 : 0);
      }
    } else if (iso !== null) {
      year = Number(iso[1]);
      month = Number(iso[2]);
      day = Number(iso[3]);
      hours = Number(iso[4] ?? 0);
      minutes = Number(iso[5] ?? 0);
      seconds = Number(iso[6] ?? 0);
    } else {
      return null;
    }
  } else {
    return null;
  }
  const date = `${year}-${pad(month)}-${pad(day)}`;
  if (!isIsoDate(date) || hours > 23 || minutes > 59 || seconds > 59) return null;
  return `${date}T${pad(hours)}:${pad(minutes)}:${pad(seconds)}.000${zone}`;
}
