import {
  PLAN_COLLECTIONS,
  dependencyId,
  type DecisionRight,
  type Dependency,
  type Plan,
  type PlanCollection,
  type Review,
} from '../domain/plan.ts';

/** Where an entity of the plan lives: its collection, or the organisation itself. */
export type PlanEntityCollection = PlanCollection | 'organisation' | 'decisionRights' | 'reviews';

/** One plan entity, addressed by collection and id. */
export interface PlanEntity {
  collection: PlanEntityCollection;
  id: string;
  data: unknown;
}

export interface PlanEntityChange {
  collection: PlanEntityCollection;
  id: string;
  action: 'created' | 'updated' | 'removed';
  before: unknown;
  after: unknown;
  /** Top-level fields that differ (updates only). */
  fields: string[];
}

/** One field an entity's change moved, with its value before and after (absent: null). */
export interface PlanFieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** One change in the plan's history, as the reader may see it (`GET /api/v1/plan/history`). */
export interface PlanHistoryItem {
  seq: number;
  /** When it was written, on the product's clock. */
  at: string;
  /** The person (id) who made it, or the door (`cli`, `engine`…) when no person did. */
  actor: string | null;
  /** Their name, when the actor is a person of the plan. */
  actorName: string | null;
  collection: string;
  id: string;
  action: string;
  fields: PlanFieldChange[];
}

/** A page of the plan's history, newest first; `next` pages back (null at its start). */
export interface PlanHistoryPage {
  changes: PlanHistoryItem[];
  next: number | null;
}

/** The id an entity is addressed by: its own id, or `predecessor->successor` for a dependency. */
export function entityId(collection: PlanEntityCollection, entity: unknown): string {
  if (collection === 'dependencies') return dependencyId(entity as Dependency);
  return (entity as { id: string }).id;
}

/** Lists every entity of a plan, the organisation first. */
export function planEntities(plan: Plan): PlanEntity[] {
  const entities: PlanEntity[] = [
    { collection: 'organisation', id: plan.organisation.id, data: plan.organisation },
  ];
  for (const collection of PLAN_COLLECTIONS) {
    for (const entity of plan[collection]) {
      entities.push({ collection, id: entityId(collection, entity), data: entity });
    }
  }
  for (const right of plan.decisionRights ?? [])
    entities.push({ collection: 'decisionRights', id: right.id, data: right });
  for (const review of plan.reviews ?? [])
    entities.push({ collection: 'reviews', id: review.id, data: review });
  return entities;
}

/** A plan of an organisation with nothing in it yet (a base to fill, or to compare with). */
export function emptyPlan(
  organisation: Plan['organisation'] = { id: '', name: '', defaultCalendar: '', currency: 'USD' },
): Plan {
  return {
    organisation,
    calendars: [],
    units: [],
    people: [],
    objectives: [],
    kpis: [],
    initiatives: [],
    milestones: [],
    dependencies: [],
    benefits: [],
    demands: [],
  };
}

/** Rebuilds a plan from its entities; null when there is no organisation yet. */
export function assemblePlan(entities: readonly PlanEntity[]): Plan | null {
  const { organisation: _none, ...empty } = emptyPlan();
  const plan: Omit<Plan, 'organisation'> & { organisation?: Plan['organisation'] } = empty;
  for (const entity of entities) {
    if (entity.collection === 'organisation')
      plan.organisation = entity.data as Plan['organisation'];
    else if (entity.collection === 'decisionRights')
      (plan.decisionRights ??= []).push(entity.data as DecisionRight);
    else if (entity.collection === 'reviews') (plan.reviews ??= []).push(entity.data as Review);
    else (plan[entity.collection] as unknown[]).push(entity.data);
  }
  if (plan.organisation === undefined) return null;
  plan.decisionRights?.sort((a, b) => a.id.localeCompare(b.id));
  plan.reviews?.sort((a, b) => a.id.localeCompare(b.id));
  for (const collection of PLAN_COLLECTIONS) {
    (plan[collection] as { id?: string }[]).sort((a, b) =>
      entityId(collection, a).localeCompare(entityId(collection, b)),
    );
  }
  return plan as Plan;
}

/**
 * Overlays `incoming` on `base` by id (upsert). Entities only in `base` stay, unless `prune`,
 * which makes the result exactly `incoming`.
 */
export function mergePlans(base: Plan | null, incoming: Plan, prune: boolean): Plan {
  if (base === null || prune) return incoming;
  const byKey = new Map<string, PlanEntity>();
  for (const entity of [...planEntities(base), ...planEntities(incoming)]) {
    byKey.set(`${entity.collection}\u0000${entity.id}`, entity);
  }
  // A new organisation id replaces the old one rather than adding a second.
  const merged = [...byKey.values()].filter(
    (e) => e.collection !== 'organisation' || e.id === incoming.organisation.id,
  );
  return assemblePlan(merged) ?? incoming;
}

/** What turning `before` into `after` changes, entity by entity, in a stable order. */
export function diffPlans(before: Plan | null, after: Plan): PlanEntityChange[] {
  const old = new Map<string, PlanEntity>();
  if (before !== null) {
    for (const e of planEntities(before)) old.set(`${e.collection}\u0000${e.id}`, e);
  }
  const changes: PlanEntityChange[] = [];
  for (const entity of planEntities(after)) {
    const key = `${entity.collection}\u0000${entity.id}`;
    const previous = old.get(key);
    old.delete(key);
    const base = { collection: entity.collection, id: entity.id, after: entity.data };
    if (previous === undefined) {
      changes.push({ ...base, action: 'created', before: null, fields: [] });
    } else if (canonicalJson(previous.data) !== canonicalJson(entity.data)) {
      changes.push({
        ...base,
        action: 'updated',
        before: previous.data,
        fields: changedFields(previous.data, entity.data),
      });
    }
  }
  for (const entity of old.values()) {
    changes.push({
      collection: entity.collection,
      id: entity.id,
      action: 'removed',
      before: entity.data,
      after: null,
      fields: [],
    });
  }
  return changes;
}

function changedFields(before: unknown, after: unknown): string[] {
  const a = (before ?? {}) as Record<string, unknown>;
  const b = (after ?? {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((field) => canonicalJson(a[field]) !== canonicalJson(b[field]))
    .sort();
}

/** JSON with object keys sorted, so that equal values print equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1)),
        )
      : v,
  );
}
