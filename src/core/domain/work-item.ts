import type { IsoDate } from './plan.ts';

/**
 * A mirror of an item in an operational tool (a Jira issue or epic). Read-only here: the
 * source stays the source of truth. Connectors translate their payloads into this shape;
 * nothing past a connector sees a source's own field names.
 */

/** The three status categories every tracker maps to (Jira: To Do, In Progress, Done). */
export type StatusCategory = 'todo' | 'in_progress' | 'done';

export interface WorkItem {
  /** The source's human key, e.g. `ERP-17`. Unique within a source. */
  key: string;
  /** The source (connector site) this item comes from, e.g. `jira`. */
  source: string;
  /** The source's own immutable id, when it has one (Jira's numeric issue id). */
  sourceId?: string;
  summary: string;
  /** The source's status name, e.g. `In Progress`. */
  status: string;
  statusCategory: StatusCategory;
  issueType?: string;
  dueDate: IsoDate | null;
  startDate: IsoDate | null;
  /** When the item was completed; set when statusCategory is `done`. */
  doneDate: IsoDate | null;
  /** Parent or epic key. */
  parentKey: string | null;
  /** Keys of items that block this one ("is blocked by"). */
  blockedBy: string[];
  /** Keys of items this one blocks. */
  blocks: string[];
  /** Other links, kept for display: relation name as the source words it, and the other key. */
  links: { relation: string; key: string }[];
  assignee: string | null;
  /** The source's last-updated timestamp (ISO 8601 with offset). Orders updates. */
  updatedAt: string;
  /** The sprint the item is planned in; present when the source has sprints. */
  sprint?: Sprint | null;
  /** The item's estimate in story points; present when the source is configured to read them. */
  storyPoints?: number | null;
}

/** A time-box of a team (a Jira sprint): where the item is planned to be done. */
export interface Sprint {
  name: string;
  state: 'future' | 'active' | 'closed';
  startDate: IsoDate | null;
  endDate: IsoDate | null;
}

/** A field that moved, as reported by the source's change log. */
export interface FieldChange {
  field: 'dueDate' | 'startDate' | 'status' | 'parent' | 'links' | 'summary' | 'other';
  /** The source's own name of the field, for display only. */
  label: string;
  from: string | null;
  to: string | null;
}

/** The latest change the source reported for an item: the start of every cause chain. */
export interface WorkItemChange {
  key: string;
  /** When it changed at the source (ISO 8601). */
  at: string;
  kind: 'created' | 'updated' | 'deleted';
  changes: FieldChange[];
}

/** Where an event sits in the source's history, so an older one arriving late can be refused. */
export interface IngestOrder {
  /** The item's last-updated instant at the source (ISO 8601 with offset). */
  updatedAt: string;
  /** The source's change-log id, which breaks ties between changes in the same millisecond. */
  changelogId: number | null;
}

/** A source says an item now looks like this. */
export interface WorkItemUpsert {
  op: 'upsert';
  item: WorkItem;
  /** What the source said moved; null for a snapshot (a search page), which says nothing. */
  change: WorkItemChange | null;
  order: IngestOrder;
  /** The same for a duplicate delivery of the same event, different for any other. */
  dedupeKey: string;
}

/** A source says an item is gone. */
export interface WorkItemDelete {
  op: 'delete';
  key: string;
  source: string;
  sourceId: string;
  change: WorkItemChange;
  order: IngestOrder;
  dedupeKey: string;
}

/** One thing a source reported about one work item. */
export type WorkItemEvent = WorkItemUpsert | WorkItemDelete;

/** Negative when `a` is older than `b`, positive when newer, 0 when the same point in history. */
export function compareIngestOrder(a: IngestOrder, b: IngestOrder): number {
  const byTime = Date.parse(a.updatedAt) - Date.parse(b.updatedAt);
  if (byTime !== 0) return Math.sign(byTime);
  return Math.sign((a.changelogId ?? -1) - (b.changelogId ?? -1));
}
