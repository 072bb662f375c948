import type { Benefit, Initiative, Kpi, PeriodLabel, Plan } from '../domain/plan.ts';
import { parsePeriod } from '../period.ts';
import { didYouMean } from './suggest.ts';

/**
 * Figures that sources update on a plan without remodelling it: a KPI's actual for a period,
 * an initiative's budget line for a period (plan, committed, actual), a benefit's amount per
 * week. Spreadsheet imports and the push API both land here; the result is an ordinary plan,
 * diffed, validated and stored like any other.
 */

export interface KpiActualUpdate {
  kind: 'kpi_actual';
  kpi: string;
  period: PeriodLabel;
  value: number;
}

/** Only the figures given change; a new period's line needs its plan figure. */
export interface BudgetUpdate {
  kind: 'budget';
  initiative: string;
  period: PeriodLabel;
  plan?: number;
  committed?: number;
  actual?: number;
}

/** Updates a benefit's amount; with a milestone and a KPI it may create the benefit. */
export interface BenefitUpdate {
  kind: 'benefit';
  benefit: string;
  amountPerWeek: number;
  milestone?: string;
  kpi?: string;
  description?: string;
}

export type FigureUpdate = KpiActualUpdate | BudgetUpdate | BenefitUpdate;

/** One figure that moves, for reports and dry runs. */
export interface FigureChange {
  collection: 'kpis' | 'initiatives' | 'benefits';
  id: string;
  /** `actuals`, `budget.plan`, `budget.committed`, `budget.actual`, `amountPerWeek`, … */
  field: string;
  period?: PeriodLabel;
  from: number | string | null;
  to: number | string;
}

/** Which part of an update a refusal is about. */
export type FigureField =
  | 'kpi'
  | 'initiative'
  | 'benefit'
  | 'milestone'
  | 'period'
  | 'plan'
  | 'committed'
  | 'actual'
  | 'value'
  | 'amountPerWeek';

export type FigureRefusal = {
  ok: false;
  field: FigureField;
  /** `unknown_reference` when the update names something the plan lacks. */
  reason: 'unknown_reference' | 'bad_value';
  message: string;
};

export type ResolvedFigure =
  | {
      ok: true;
      /** The update with ids in place of names. */
      update: FigureUpdate;
      /** Names the figure the update sets: two updates with the same key set the same figure. */
      key: string;
    }
  | FigureRefusal;

/** How rows name plan entities: by id (`K-OTD`) or by name (`On-time delivery`). */
export type ReferenceBy = 'id' | 'name';

export interface FigureEditor {
  /** Checks an update against the plan and puts ids in place of names; changes nothing. */
  resolve(update: FigureUpdate): ResolvedFigure;
  /** Applies a resolved update; returns the figures that moved (none when already so). */
  apply(update: FigureUpdate): FigureChange[];
  /** The plan with every applied update (a copy: the plan given is never changed). */
  result(): Plan;
}

interface Lookup<T> {
  byId: Map<string, T>;
  byName: Map<string, T[]>;
}

function lookupOf<T extends { id: string; name?: string }>(entities: readonly T[]): Lookup<T> {
  const byId = new Map<string, T>();
  const byName = new Map<string, T[]>();
  for (const entity of entities) {
    byId.set(entity.id, entity);
    if (entity.name !== undefined) {
      const key = normalName(entity.name);
      byName.set(key, [...(byName.get(key) ?? []), entity]);
    }
  }
  return { byId, byName };
}

function normalName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Starts editing the figures of a copy of `plan`. */
export function createFigureEditor(plan: Plan, referenceBy: ReferenceBy = 'id'): FigureEditor {
  const working = structuredClone(plan);
  const kpis = lookupOf<Kpi>(working.kpis);
  const initiatives = lookupOf<Initiative>(working.initiatives);
  const milestones = lookupOf(working.milestones);
  const benefits = lookupOf<Benefit & { name?: string }>(working.benefits);

  function find<T extends { id: string }>(
    lookup: Lookup<T>,
    word: string,
    field: FigureField,
    by: ReferenceBy,
  ): T | FigureRefusal {
    if (by === 'id') {
      const found = lookup.byId.get(word);
      if (found !== undefined) return found;
      return refuse(
        field,
        'unknown_reference',
        `no ${field} '${word}' in the plan${didYouMean(word, lookup.byId.keys())}`,
      );
    }
    const named = lookup.byName.get(normalName(word)) ?? [];
    const [only] = named;
    if (named.length === 1 && only !== undefined) return only;
    if (named.length > 1) {
      return refuse(
        field,
        'unknown_reference',
        `${named.length} ${field}s are named '${word}' (${named.map((n) => n.id).join(', ')}): name it by id`,
      );
    }
    // A name that is in fact an id is accepted too.
    return (
      lookup.byId.get(word) ??
      refuse(field, 'unknown_reference', `no ${field} named '${word}' in the plan`)
    );
  }

  function checkPeriod(period: string): FigureRefusal | null {
    return parsePeriod(period) === null
      ? refuse(
          'period',
          'bad_value',
          `'${period}' is not a reporting period: write 2026, 2026-H2, 2026-Q4 or 2026-10`,
        )
      : null;
  }

  return {
    resolve(update) {
      switch (update.kind) {
        case 'kpi_actual': {
          const kpi = find(kpis, update.kpi, 'kpi', referenceBy);
          if ('ok' in kpi) return kpi;
          const bad = checkPeriod(update.period);
          if (bad !== null) return bad;
          return {
            ok: true,
            update: { ...update, kpi: kpi.id },
            key: `kpi ${kpi.id} actual ${update.period}`,
          };
        }
        case 'budget': {
          const initiative = find(initiatives, update.initiative, 'initiative', referenceBy);
          if ('ok' in initiative) return initiative;
          const bad = checkPeriod(update.period);
          if (bad !== null) return bad;
          if (update.plan === undefined && initiative.budget[update.period] === undefined) {
            return refuse(
              'plan',
              'bad_value',
              `initiative '${initiative.id}' has no budget line for ${update.period} yet: give its plan figure`,
            );
          }
          return {
            ok: true,
            update: { ...update, initiative: initiative.id },
            key: `initiative ${initiative.id} budget ${update.period}`,
          };
        }
        case 'benefit': {
          const existing = benefits.byId.get(update.benefit);
          const resolved: BenefitUpdate = { ...update };
          if (update.milestone !== undefined) {
            const milestone = find(milestones, update.milestone, 'milestone', referenceBy);
            if ('ok' in milestone) return milestone;
            resolved.milestone = milestone.id;
          }
          if (update.kpi !== undefined) {
            const kpi = find(kpis, update.kpi, 'kpi', referenceBy);
            if ('ok' in kpi) return kpi;
            resolved.kpi = kpi.id;
          }
          if (
            existing === undefined &&
            (resolved.milestone === undefined || resolved.kpi === undefined)
          ) {
            return refuse(
              'benefit',
              'unknown_reference',
              `no benefit '${update.benefit}' in the plan${didYouMean(update.benefit, benefits.byId.keys())}; to create one, give its milestone and KPI`,
            );
          }
          return { ok: true, update: resolved, key: `benefit ${update.benefit}` };
        }
      }
    },

    apply(update) {
      switch (update.kind) {
        case 'kpi_actual': {
          const kpi = kpis.byId.get(update.kpi);
          if (kpi === undefined) return [];
          const from = kpi.actuals[update.period] ?? null;
          if (from === update.value) return [];
          // The working copy is ours: changing it in place keeps a 100,000-row import linear.
          kpi.actuals[update.period] = update.value;
          return [
            {
              collection: 'kpis',
              id: kpi.id,
              field: 'actuals',
              period: update.period,
              from,
              to: update.value,
            },
          ];
        }
        case 'budget': {
          const initiative = initiatives.byId.get(update.initiative);
          if (initiative === undefined) return [];
          const before = initiative.budget[update.period];
          const line = before ?? { plan: update.plan ?? 0 };
          const changes: FigureChange[] = [];
          for (const figure of ['plan', 'committed', 'actual'] as const) {
            const to = update[figure];
            if (to === undefined) continue;
            const from = before?.[figure] ?? null;
            if (from === to) continue;
            line[figure] = to;
            changes.push({
              collection: 'initiatives',
              id: initiative.id,
              field: `budget.${figure}`,
              period: update.period,
              from,
              to,
            });
          }
          if (before === undefined) initiative.budget[update.period] = line;
          return changes;
        }
        case 'benefit': {
          let benefit = benefits.byId.get(update.benefit);
          if (benefit === undefined) {
            if (update.milestone === undefined || update.kpi === undefined) return [];
            benefit = {
              id: update.benefit,
              milestone: update.milestone,
              kpi: update.kpi,
              amountPerWeek: update.amountPerWeek,
              ...(update.description === undefined ? {} : { description: update.description }),
            };
            working.benefits.push(benefit);
            benefits.byId.set(benefit.id, benefit);
            return [
              {
                collection: 'benefits',
                id: benefit.id,
                field: 'amountPerWeek',
                from: null,
                to: update.amountPerWeek,
              },
            ];
          }
          const changes: FigureChange[] = [];
          for (const field of ['amountPerWeek', 'milestone', 'kpi', 'description'] as const) {
            const to = update[field];
            if (to === undefined || benefit[field] === to) continue;
            changes.push({
              collection: 'benefits',
              id: benefit.id,
              field,
              from: benefit[field] ?? null,
              to,
            });
            Object.assign(benefit, { [field]: to });
          }
          return changes;
        }
      }
    },

    result: () => working,
  };
}

function refuse(
  field: FigureField,
  reason: FigureRefusal['reason'],
  message: string,
): FigureRefusal {
  return { ok: false, field, reason, message };
}
