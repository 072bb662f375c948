import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import type { PlanFieldChange } from '../api/types.ts';
import { formatDate } from '../format/format.ts';

/**
 * A plan change in words, field by field: `Milestone ERP go-live (M-GOLIVE): planned date
 * 1 Oct 2026 → 15 Oct 2026`. Pure: the saved notice and the plan's history show what this returns.
 */

/** One field's change, as `GET /api/v1/plan/history` lists it. */
export type FieldChange = PlanFieldChange;

/** The plan's collections by the noun a person reads (`milestones` → `Milestone`). */
export const PLAN_ENTITY_NOUN: Readonly<Record<string, string>> = {
  organisation: 'Organisation',
  calendars: 'Calendar',
  units: 'Unit',
  people: 'Person',
  objectives: 'Objective',
  kpis: 'KPI',
  initiatives: 'Initiative',
  milestones: 'Milestone',
  dependencies: 'Dependency',
  benefits: 'Benefit',
  demands: 'Demand',
  decisionRights: 'Decision right',
};

const NOUN: Record<string, string> = { ...PLAN_ENTITY_NOUN, reviews: 'Review' };

const LABEL: Record<string, string> = {
  plannedDate: 'planned date',
  perWeek: 'amount a week',
  amountPerWeek: 'amount a week',
  costPerWeek: 'cost of one more a week',
  unitOfMeasure: 'unit of measure',
  workItem: 'work item',
  after: 'waits for',
  lagDays: 'lag (working days)',
  maxAmount: 'most money',
  maxSlipWeeks: 'most weeks later',
  kpisOnTarget: 'only while KPIs on target',
  from: 'from',
  to: 'to',
};

const DATE_FIELDS = new Set(['plannedDate', 'from', 'to', 'start', 'end']);

function label(field: string): string {
  return LABEL[field] ?? field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The entity in words: `Milestone ERP go-live (M-GOLIVE)`, `Unit IT`, `Dependency M-A → M-B`. */
export function entityWords(
  plan: PlanFile | null,
  collection: string,
  id: string,
  data?: unknown,
): string {
  const noun = NOUN[collection] ?? collection;
  if (collection === 'dependencies') return `${noun} ${id.replace('->', ' → ')}`;
  const list = (plan as Partial<Record<string, unknown>> | null)?.[collection];
  const found = Array.isArray(list)
    ? (list as { id?: string; name?: string }[]).find((x) => x.id === id)
    : undefined;
  const name = found?.name ?? (data as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name !== '' && name !== id
    ? `${noun} ${name} (${id})`
    : `${noun} ${id}`;
}

function valueWords(plan: PlanFile | null, field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return 'none';
  if (typeof value === 'string') {
    if (DATE_FIELDS.has(field) && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value);
    if (field === 'owner' || field === 'person')
      return (plan?.people ?? []).find((p) => p.id === value)?.name ?? value;
    return value;
  }
  if (typeof value === 'number') return value.toLocaleString('en-US');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value))
    return value.length === 0 ? 'none' : value.map((v) => valueWords(plan, field, v)).join(', ');
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${label(k)} ${valueWords(plan, k, v)}`)
    .join(', ');
}

type Flat = Map<string, { field: string; value: unknown }>;

const CAPACITY: Record<string, string> = {
  perWeek: 'capacity a week',
  periods: 'capacity a week in',
  costPerWeek: 'cost of one more a week',
};

/**
 * Nested records read as one line each: a unit's `capacity a week`, `capacity a week in
 * 2026-12`, `cost of one more a week`; a KPI's `target 2026-Q4`; `budget 2026-Q4 plan`.
 */
function flatten(value: unknown, prefix: string, into: Flat, field: string): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const name =
        prefix === 'capacity'
          ? (CAPACITY[k] ?? `capacity ${label(k)}`)
          : `${prefix} ${/^\d{4}/.test(k) ? k : label(k)}`;
      flatten(v, name, into, k);
    }
    return;
  }
  into.set(prefix, { field, value });
}

const PREFIX: Record<string, string> = { targets: 'target', actuals: 'actual', budget: 'budget' };

/** The lines of one field's change, `planned date 1 Oct 2026 → 15 Oct 2026`. */
export function fieldLines(plan: PlanFile | null, change: FieldChange): string[] {
  const { field, before, after } = change;
  const nested = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (nested(before) || nested(after)) {
    const prefix = field === 'capacity' ? 'capacity' : (PREFIX[field] ?? label(field));
    const was: Flat = new Map();
    const now: Flat = new Map();
    if (before !== null) flatten(before, prefix, was, field);
    if (after !== null) flatten(after, prefix, now, field);
    const keys = [...new Set([...now.keys(), ...was.keys()])];
    return keys
      .filter((k) => JSON.stringify(was.get(k)?.value) !== JSON.stringify(now.get(k)?.value))
      .map(
        (k) =>
          `${k} ${valueWords(plan, was.get(k)?.field ?? '', was.get(k)?.value)} → ${valueWords(
            plan,
            now.get(k)?.field ?? '',
            now.get(k)?.value,
          )}`,
      );
  }
  return [`${label(field)} ${valueWords(plan, field, before)} → ${valueWords(plan, field, after)}`];
}

/** One change in words: the entity, and what moved (`created`, `removed`, or field by field). */
export function changeWords(
  plan: PlanFile | null,
  change: { collection: string; id: string; action: string; fields: FieldChange[] },
): { entity: string; lines: string[] } {
  const data = change.fields.find((f) => f.field === 'name');
  const entity = entityWords(plan, change.collection, change.id, {
    name: data?.after ?? data?.before,
  });
  if (change.action === 'created') return { entity, lines: ['added'] };
  if (change.action === 'removed') return { entity, lines: ['removed'] };
  const lines = change.fields.flatMap((f) => fieldLines(plan, f));
  return { entity, lines: lines.length === 0 ? ['no field changed'] : lines };
}

/** The fields that differ between two versions of an entity (for the saved notice). */
export function diffFields(before: unknown, after: unknown): FieldChange[] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const stable = (v: unknown): string =>
    JSON.stringify(v, (_k, x: unknown) =>
      x !== null && typeof x === 'object' && !Array.isArray(x)
        ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort())
        : x,
    ) ?? 'null';
  return keys
    .filter((k) => stable(b[k] ?? null) !== stable(a[k] ?? null))
    .map((field) => ({ field, before: b[field] ?? null, after: a[field] ?? null }));
}
