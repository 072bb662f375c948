import type { Visibility } from '../core/access/policy.ts';
import type { Plan } from '../core/domain/plan.ts';
import type { PlanFieldChange, PlanHistoryItem, PlanHistoryPage } from '../core/plan/diff-plan.ts';
import { listPlanChanges } from '../store/plan-store.ts';
import type { AppContext } from './context.ts';
import { authorize, viewerFor } from './viewer.ts';

export type { PlanFieldChange, PlanHistoryItem };

export interface PlanHistoryQuery {
  /** One entity: `milestones/M-GOLIVE`. */
  item?: string;
  /** Changes older than this seq (paging back). */
  before?: number;
  limit: number;
}

/** The collections every person of the plan sees whole. */
const SHARED = new Set(['organisation', 'calendars', 'units', 'people']);

type Entity = Record<string, unknown>;

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Entity)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** Whether the reader sees this change's entity now (a removed entity: only who sees the whole plan). */
function seesChange(
  seen: Visibility,
  collection: string,
  id: string,
  data: Entity | null,
): boolean {
  if (seen.person === null) return false;
  if (SHARED.has(collection)) return true;
  switch (collection) {
    case 'objectives':
    case 'kpis':
    case 'initiatives':
    case 'milestones':
    case 'dependencies':
    case 'demands':
      return seen.ids[collection].has(id);
    case 'benefits':
      return seen.ids.benefits.has(id) && seen.ids.kpis.has(String(data?.['kpi']));
    case 'decisionRights':
      return (
        seen.whole ||
        data?.['person'] === seen.personId ||
        (typeof data?.['role'] === 'string' &&
          (seen.roles as readonly string[]).includes(data['role']))
      );
    default:
      return seen.whole;
  }
}

/** What the reader may not see of an entity they see: links to objectives hidden from them. */
function visibleData(seen: Visibility, collection: string, data: Entity | null): Entity | null {
  if (data === null) return null;
  const objectives = seen.ids.objectives;
  if ((collection === 'kpis' || collection === 'initiatives') && Array.isArray(data['objectives']))
    return {
      ...data,
      objectives: (data['objectives'] as unknown[]).filter((o) => objectives.has(String(o))),
    };
  if (
    collection === 'objectives' &&
    typeof data['parent'] === 'string' &&
    !objectives.has(data['parent'])
  ) {
    const { parent: _hidden, ...rest } = data;
    return rest;
  }
  return data;
}

/** The fields whose values differ, in the order the entity lists them. */
export function fieldChanges(before: Entity | null, after: Entity | null): PlanFieldChange[] {
  const keys = [...new Set([...Object.keys(after ?? {}), ...Object.keys(before ?? {})])];
  return keys
    .filter((k) => stable(before?.[k] ?? null) !== stable(after?.[k] ?? null))
    .map((field) => ({ field, before: before?.[field] ?? null, after: after?.[field] ?? null }));
}

/**
 * The plan's history as a person may read it, newest first: who changed which entity, when, and
 * each field before and after. Only entities the person sees now (docs/ACCESS.md), with links to
 * objectives hidden from them left out, as `GET /api/v1/plan` leaves them out.
 */
export async function planHistory(
  ctx: AppContext,
  personId: string,
  query: PlanHistoryQuery,
): Promise<PlanHistoryPage> {
  const plan: Plan = await authorize(ctx, personId, { kind: 'plan.read' });
  const { seen } = await viewerFor(ctx, personId);
  const names = new Map(plan.people.map((p) => [p.id, p.name]));
  const slash = query.item?.indexOf('/') ?? -1;
  const item =
    query.item === undefined || slash <= 0
      ? undefined
      : { collection: query.item.slice(0, slash), id: query.item.slice(slash + 1) };
  const changes: PlanHistoryItem[] = [];
  let before = query.before;
  // Hidden changes are skipped; read on until the page is full or the history ends.
  for (;;) {
    const batch = Math.max(query.limit * 2, 50);
    const rows = await listPlanChanges(ctx.db, {
      ...(item === undefined ? {} : { item }),
      ...(before === undefined ? {} : { beforeSeq: before }),
      limit: batch,
    });
    for (const row of rows) {
      const after = row.after as Entity | null;
      const prior = row.before as Entity | null;
      if (!seesChange(seen, row.collection, row.entityId, after ?? prior)) continue;
      changes.push({
        seq: row.seq,
        at: row.at,
        actor: row.actor,
        actorName: row.actor === null ? null : (names.get(row.actor) ?? null),
        collection: row.collection,
        id: row.entityId,
        action: row.action,
        fields: fieldChanges(
          visibleData(seen, row.collection, prior),
          visibleData(seen, row.collection, after),
        ),
      });
      if (changes.length === query.limit) return { changes, next: row.seq };
    }
    if (rows.length < batch) return { changes, next: null };
    before = rows.at(-1)?.seq;
  }
}
