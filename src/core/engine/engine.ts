import type { DerivedState, ProbabilisticForecast } from '../domain/state.ts';
import { build } from './engine-build.ts';
import { applyEvent } from './engine-events.ts';
import type { EngineInput, EngineEvent, StateChanges } from './engine-internal.ts';
import { createTables, internalsOf, stateOf } from './engine-tables.ts';
import { type ProbabilisticInput, forecastAllProbabilistic } from './probabilistic-forecast.ts';
import { currentItems } from './work-model.ts';

/** A derived state that follows work-item events, recomputing only what each event reaches. */
export interface Engine {
  /** The current state; it follows every event (read what you need to keep). */
  readonly state: DerivedState;
  /** Takes one event and says what it changed. */
  apply(event: EngineEvent): StateChanges;
  /** The input a full recompute of the current state would take. */
  input(): EngineInput;
}

/**
 * Derives the whole state from the plan and the work as of a day: work item and milestone
 * forecasts, KPI forecasts, initiative and objective statuses, and signals with cause chains.
 */
export function deriveState(input: EngineInput): DerivedState {
  const holder = { internal: build(input, false) };
  return stateOf(holder, createTables(holder));
}

/**
 * As `deriveState(input)`, for a plan derived from the one of `base` (a scenario's): over the very
 * same work items and as-of day, what reads only the work items (their forecasts) is taken from
 * `base` rather than computed again (not from a base that follows events: it writes them); and
 * the demands are levelled again only on the units whose capacity or work differ from `base`'s
 * (with the units their work waits on). Anything else is derived in full.
 */
export function deriveStateFrom(input: EngineInput, base: DerivedState): DerivedState {
  const from = internalsOf.get(base)?.internal;
  const holder = { internal: build(input, false, from) };
  return stateOf(holder, createTables(holder));
}

/**
 * The Monte Carlo forecast of the given milestones (P50/P85/P95 beside the deterministic date),
 * computing only them and the milestones they depend on; unknown ids are left out.
 */
export function forecastProbabilistic(
  input: EngineInput,
  probabilistic: ProbabilisticInput,
  milestoneIds: readonly string[],
): Record<string, ProbabilisticForecast> {
  const { data } = build({ ...input, forecasting: {} }, false);
  const positions = milestoneIds.flatMap((id) => {
    const m = data.plan.milestoneAt.get(id);
    return m === undefined ? [] : [m];
  });
  const state = forecastAllProbabilistic(data, probabilistic, positions);
  const result: Record<string, ProbabilisticForecast> = {};
  for (const m of positions) {
    const forecast = state.forecasts[m];
    if (forecast !== undefined) result[data.plan.milestones[m]!.id] = forecast;
  }
  return result;
}

/**
 * Creates an engine over the input, derived in full once; each event then recomputes only what
 * it reaches: the work item, the items it blocks, their milestones and everything downstream of
 * them through dependencies, the KPIs their benefits feed, the initiatives and objectives those
 * touch, and the signals whose chains run through any of it. The state after every event equals
 * a full recompute of the same input (property-tested).
 */
export function createEngine(input: EngineInput): Engine {
  const holder = { internal: build(input, true) };
  const tables = createTables(holder);
  const state = stateOf(holder, tables);
  return {
    state,
    apply: (event) => applyEvent(holder, tables, event),
    input: () => {
      const { data, options } = holder.internal;
      return {
        plan: data.plan.plan,
        workItems: currentItems(data.work),
        changes: Object.fromEntries(data.changes),
        asOf: data.asOf,
        ...(options === undefined ? {} : { forecasting: options }),
      };
    },
  };
}

export type {
  EngineEvent,
  EngineInput,
  ForecastingOptions,
  StateChanges,
} from './engine-internal.ts';
export {
  type SignalRef,
  type StateFigures,
  type StateSignals,
  stateFigures,
  stateKpis,
  stateSignals,
} from './engine-tables.ts';
