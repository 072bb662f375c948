import { createHash } from 'node:crypto';
import { isIsoDate } from '../core/calendar.ts';
import type { StatusCategory, WorkItem, WorkItemEvent } from '../core/domain/work-item.ts';
import { DomainError, fail, type Problem } from '../core/errors.ts';
import { canonicalJson } from '../core/plan/diff-plan.ts';
import { createFigureEditor, type FigureChange } from '../core/plan/plan-figures.ts';
import type { PushKpiActualsRequest } from '../contract/push.ts';
import type { Queryable } from '../store/database.ts';
import {
  findIdempotentResponse,
  storeIdempotentResponse,
  type IdempotencyScope,
} from '../store/import-store.ts';
import { loadPlan } from '../store/plan-store.ts';
import type { SignalSync } from '../store/signal-store.ts';
import { commitPlanFigures } from './commit-plan-figures.ts';
import type { AppContext } from './context.ts';
import { ingestInWrite } from './ingest-work.ts';
import { type ActorLike, toActor, write, type WriteScope } from './write.ts';

/**
 * The push API: any system posts KPI actuals or work items in batches. A batch lands whole or
 * not at all; with an idempotency key, the same request again gets the stored answer and
 * changes nothing, so a client may retry after a timeout without doubling anything.
 */

export interface PushOptions {
  /** Who pushes (the token's person): idempotency keys are kept per caller. */
  actor: ActorLike;
  idempotencyKey?: string | undefined;
}

/** An answer, and whether it is the stored one for a key seen before. */
export interface PushAnswer<T> {
  statusCode: number;
  body: T;
  replayed: boolean;
}

export type SignalIds = Pick<SignalSync, 'raised' | 'changed' | 'resolved'>;

export interface PushKpiActualsResponse {
  source: string | null;
  received: number;
  /** Actuals whose value moved (new ones included). */
  changed: number;
  unchanged: number;
  figureChanges: FigureChange[];
  changes: { collection: string; id: string; action: string; fields: string[] }[];
  signals: SignalIds;
  receivedAt: string;
}

/** Posts KPI actuals: each sets `KPI.actuals[period]`; signals recompute in the same commit. */
export function pushKpiActuals(
  ctx: AppContext,
  request: PushKpiActualsRequest,
  options: PushOptions,
): Promise<PushAnswer<PushKpiActualsResponse>> {
  return withIdempotency(ctx, 'push.kpi-actuals', request, options, async (scope) => {
    const receivedAt = scope.at;
    const stored = await loadPlan(scope.tx);
    if (stored === null) {
      fail('not_found', 'No plan has been applied yet: apply a plan before pushing KPI actuals', {
        path: 'plan',
      });
    }
    const editor = createFigureEditor(stored);
    const problems: Problem[] = [];
    const firstIndex = new Map<string, number>();
    const resolved = request.actuals.map((actual, index) => {
      const result = editor.resolve({ kind: 'kpi_actual', ...actual });
      const at = `$.actuals[${index}]`;
      if (!result.ok) {
        const field = result.field === 'period' ? 'period' : 'kpi';
        problems.push({
          code:
            result.reason === 'unknown_reference' ? 'plan.unknown_reference' : 'plan.bad_period',
          message: `${at}.${field}: ${result.message}`,
          path: `${at}.${field}`,
        });
        return null;
      }
      const first = firstIndex.get(result.key);
      if (first !== undefined) {
        problems.push({
          code: 'plan.bad_value',
          message: `${at} sets the same actual as $.actuals[${first}] (${actual.kpi} ${actual.period})`,
          path: at,
        });
        return null;
      }
      firstIndex.set(result.key, index);
      return result.update;
    });
    if (problems.length > 0) throw new DomainError(problems);
    const figureChanges: FigureChange[] = [];
    for (const update of resolved) {
      if (update !== null) figureChanges.push(...editor.apply(update));
    }
    const changes = await commitPlanFigures(scope, stored, editor.result());
    const { signals } = await scope.settle();
    return {
      source: request.source ?? null,
      received: request.actuals.length,
      changed: figureChanges.length,
      unchanged: request.actuals.length - figureChanges.length,
      figureChanges,
      changes: changes.map(({ collection, id, action, fields }) => ({
        collection,
        id,
        action,
        fields,
      })),
      signals: signalIds(signals),
      receivedAt: receivedAt.toISOString(),
    };
  });
}

/** The ids of the signals a push raised, changed and resolved. */
function signalIds(sync: SignalSync): SignalIds {
  return { raised: sync.raised, changed: sync.changed, resolved: sync.resolved };
}

/** A work item as a pushing system describes it; `updatedAt` orders its updates. */
export interface WorkItemInput {
  key: string;
  /** The system's own immutable id, when it has one. */
  sourceId?: string;
  summary?: string;
  status?: string;
  statusCategory?: StatusCategory;
  issueType?: string;
  dueDate?: string | null;
  startDate?: string | null;
  doneDate?: string | null;
  parentKey?: string | null;
  blockedBy?: string[];
  blocks?: string[];
  links?: { relation: string; key: string }[];
  assignee?: string | null;
  /** When the item last changed in its system (ISO 8601 with a zone). */
  updatedAt: string;
  /** The item is gone from its system. */
  deleted?: boolean;
}

export interface PushWorkItemsRequest {
  source: string;
  items: WorkItemInput[];
}

export interface PushWorkItemsResponse {
  source: string;
  received: number;
  applied: number;
  duplicates: number;
  stale: number;
  signals: SignalIds;
  receivedAt: string;
}

/**
 * Posts work items: each is a snapshot of the item in its system. A repeated item (same key,
 * same `updatedAt`) changes nothing; an older one does not roll a newer one back.
 */
export async function pushWorkItems(
  ctx: AppContext,
  request: PushWorkItemsRequest,
  options: PushOptions,
): Promise<PushAnswer<PushWorkItemsResponse>> {
  const events = workItemEvents(request);
  return await withIdempotency(ctx, 'push.work-items', request, options, async (scope) => {
    const receivedAt = scope.at;
    const result = await ingestInWrite(scope, events, receivedAt);
    const { signals } = await scope.settle();
    return {
      source: request.source,
      received: request.items.length,
      applied: result.applied,
      duplicates: result.duplicates,
      stale: result.stale,
      signals: signalIds(signals),
      receivedAt: receivedAt.toISOString(),
    };
  });
}

/** Checks the pushed items and turns them into work-item events; every problem names its path. */
export function workItemEvents(request: PushWorkItemsRequest): WorkItemEvent[] {
  const problems: Problem[] = [];
  const events: WorkItemEvent[] = [];
  request.items.forEach((input, index) => {
    const at = `$.items[${index}]`;
    const bad = (field: string, what: string): void => {
      problems.push({
        code: 'request.invalid',
        message: `${at}.${field} ${what}`,
        path: `${at}.${field}`,
      });
    };
    const updated = Date.parse(input.updatedAt);
    if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(input.updatedAt) || Number.isNaN(updated)) {
      bad(
        'updatedAt',
        `'${input.updatedAt}' is not an instant with a zone, e.g. 2026-09-14T10:00:00Z`,
      );
      return;
    }
    const order = { updatedAt: new Date(updated).toISOString(), changelogId: null };
    const dedupeKey = `push:${request.source}:${input.key}:${order.updatedAt}`;
    if (input.deleted === true) {
      events.push({
        op: 'delete',
        key: input.key,
        source: request.source,
        sourceId: input.sourceId ?? input.key,
        change: { key: input.key, at: order.updatedAt, kind: 'deleted', changes: [] },
        order,
        dedupeKey: `${dedupeKey}:deleted`,
      });
      return;
    }
    for (const field of ['summary', 'status', 'statusCategory'] as const) {
      if (input[field] === undefined) bad(field, 'is needed unless the item is deleted');
    }
    for (const field of ['dueDate', 'startDate', 'doneDate'] as const) {
      const value = input[field];
      if (value !== undefined && value !== null && !isIsoDate(value)) {
        bad(field, `'${value}' is not a real date written YYYY-MM-DD`);
      }
    }
    if (input.statusCategory === 'done' && (input.doneDate ?? null) === null) {
      bad('doneDate', 'is needed when the status category is done');
    }
    const item: WorkItem = {
      key: input.key,
      source: request.source,
      ...(input.sourceId === undefined ? {} : { sourceId: input.sourceId }),
      summary: input.summary ?? '',
      status: input.status ?? '',
      statusCategory: input.statusCategory ?? 'todo',
      ...(input.issueType === undefined ? {} : { issueType: input.issueType }),
      dueDate: input.dueDate ?? null,
      startDate: input.startDate ?? null,
      doneDate: input.statusCategory === 'done' ? (input.doneDate ?? null) : null,
      parentKey: input.parentKey ?? null,
      blockedBy: input.blockedBy ?? [],
      blocks: input.blocks ?? [],
      links: input.links ?? [],
      assignee: input.assignee ?? null,
      updatedAt: order.updatedAt,
    };
    events.push({ op: 'upsert', item, change: null, order, dedupeKey });
  });
  if (problems.length > 0) throw new DomainError(problems);
  return events;
}

/**
 * Runs a push in one write transaction. With a key: a key seen before with the same request
 * answers what it answered then and does nothing; with another request it is refused
 * (`push.idempotency_key_reused`). The key and the answer are stored in the transaction that
 * makes the effect, so a crash leaves neither. A refused request stores nothing: it changed
 * nothing, and may be sent again once fixed.
 */
async function withIdempotency<T>(
  ctx: AppContext,
  scope: string,
  request: unknown,
  options: PushOptions,
  work: (scope: WriteScope) => Promise<T>,
): Promise<PushAnswer<T>> {
  const key = options.idempotencyKey;
  const at: IdempotencyScope | null =
    key === undefined ? null : { actor: toActor(options.actor).id, scope, key };
  const requestHash = createHash('sha256').update(canonicalJson(request)).digest('hex');
  const replay = async (db: Queryable): Promise<PushAnswer<T> | null> => {
    if (at === null) return null;
    const found = await findIdempotentResponse(db, at);
    if (found === null) return null;
    if (found.requestHash !== requestHash) {
      fail(
        'push.idempotency_key_reused',
        `the Idempotency-Key '${at.key}' was used on ${found.createdAt} for a different request; use a new key for a new request`,
        { path: 'headers.idempotency-key' },
      );
    }
    return { statusCode: found.statusCode, body: found.response as T, replayed: true };
  };
  // A retry is answered without waiting for the write lock.
  const early = await replay(ctx.db);
  if (early !== null) return early;
  const written = await write(ctx, options.actor, async (scope) => {
    // Another request with the same key may have committed while this one waited.
    const late = await replay(scope.tx);
    if (late !== null) return late;
    // The first answer is the JSON a replay gets, field for field.
    const body = JSON.parse(JSON.stringify(await work(scope))) as T;
    if (at !== null) {
      await storeIdempotentResponse(
        scope.tx,
        at,
        { requestHash, statusCode: 200, response: body },
        scope.at,
      );
    }
    return { statusCode: 200, body, replayed: false };
  });
  return written.value;
}
