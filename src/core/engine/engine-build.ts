/**
 * Building: the whole derived state from the input, in the order the figures feed each other.
 */
import type { Demand } from '../domain/plan.ts';
import type { Signal } from '../domain/state.ts';
import { levelledRunsOf } from './capacity-model.ts';
import {
  type ChainContext,
  type RootMemo,
  createLinkCache,
  createSignatureCache,
} from './cause-chain.ts';
import { dayOf } from './day-numbers.ts';
import { signCapacity } from './engine-capacity.ts';
import { type EngineData, deliveryCode, valueCode } from './engine-data.ts';
import type { ForecastingOptions, EngineInput, Internal } from './engine-internal.ts';
import { deliveryStatus, valueStatus } from './explain.ts';
import { type KpiCore, createPeriodReader, forecastKpi } from './kpi-model.ts';
import { createMilestoneModel, forecastAllMilestones } from './milestone-model.ts';
import { modelPlan } from './plan-model.ts';
import { forecastAllProbabilistic } from './probabilistic-forecast.ts';
import { type SlipTest, kpiSignatures, milestoneSignature } from './raise-signals.ts';
import {
  type ObjectiveCore,
  type ObjectiveInputs,
  computeInitiative,
  updateHeldUp,
  computeObjective,
  createInitiativeModel,
  objectiveGraph,
} from './status-model.ts';
import { buildWorkModel } from './work-model.ts';

export function objectiveInputs(data: EngineData): ObjectiveInputs {
  return {
    kpiStatus: (k) => data.kpis[k]!.status,
    deliveryCode: (i) => deliveryCode(data, i),
    valueCode: (i) => valueCode(data, i),
    delivery: (i) => deliveryStatus(data, i),
    value: (i) => valueStatus(data, i),
  };
}

function deriveObjectives(data: EngineData): void {
  const { plan, objectiveGraph: graph, objectives } = data;
  const derived = new Uint8Array(plan.plan.objectives.length);
  const inputs = objectiveInputs(data);
  for (const o of graph.order) {
    objectives[o] = computeObjective(plan, graph, o, inputs, (child) =>
      derived[child] === 1 ? objectives[child]!.status : undefined,
    );
    derived[o] = 1;
  }
}

const contexts = new WeakMap<EngineData, ChainContext>();

/**
 * What chains read of the engine's data: made once per data (whose parts are changed in place,
 * never replaced), so that every pass reads it through the same object and the same function.
 */
export function chainContext(data: EngineData): ChainContext {
  let context = contexts.get(data);
  if (context === undefined) {
    context = {
      plan: data.plan,
      work: data.work,
      milestones: data.milestones,
      changes: data.changes,
      asOf: data.asOf,
      objectiveStatus: (o) => data.objectives[o]?.status,
    };
    contexts.set(data, context);
  }
  return context;
}

export function slipTest(
  data: EngineData,
  options: ForecastingOptions | undefined,
): SlipTest | null {
  if (options?.slipBasis !== 'p85' || data.probabilistic === null) return null;
  const chance = data.probabilistic.forecasts;
  return {
    dayOf(m) {
      const forecast = chance[m];
      return forecast === undefined || 'insufficient' in forecast
        ? data.milestones.forecast[m]!
        : dayOf(forecast.p85);
    },
    wordsOf(m) {
      const forecast = chance[m];
      return forecast === undefined || 'insufficient' in forecast ? 'forecast' : 'P85 forecast';
    },
  };
}

export function build(input: EngineInput, incremental: boolean, base?: Internal): Internal {
  const asOfDay = dayOf(input.asOf);
  const plan = modelPlan(input.plan);
  const work = buildWorkModel(
    plan,
    input.workItems,
    asOfDay,
    incremental,
    base === undefined ? undefined : { plan: base.data.plan, work: base.data.work },
  );
  const milestones = createMilestoneModel(plan.milestones.length);
  const kpis: KpiCore[] = [];
  const initiatives = createInitiativeModel(plan.plan.initiatives.length, plan.milestones.length);
  const data: EngineData = {
    asOf: input.asOf,
    asOfDay,
    plan,
    work,
    changes: new Map(Object.entries(input.changes)),
    milestones,
    kpis,
    initiatives,
    objectiveGraph: objectiveGraph(plan),
    objectives: new Array<ObjectiveCore>(plan.plan.objectives.length),
    probabilistic: null,
  };
  // Where a unit declares capacity, the levelled date is the forecast: the demands' runs are
  // levelled first (they read only the work), and their floors hold the milestones.
  const capacityActive =
    input.plan.demands.length > 0 || input.plan.units.some((unit) => unit.capacity !== undefined);
  const runs = capacityActive ? levelledRunsOf(data, undefined, base?.capacity.runs) : null;
  if (runs !== null) for (const [m, held] of runs.floor) milestones.floor[m] = held.day;
  forecastAllMilestones(plan, work, milestones);
  const periodOf = createPeriodReader();
  for (let k = 0; k < plan.plan.kpis.length; k += 1)
    kpis.push(forecastKpi(plan, k, milestones.forecast, asOfDay, input.asOf, periodOf));
  const kpiCode = (k: number): number => codeOfKpi(kpis[k]!);
  for (let m = 0; m < plan.milestones.length; m += 1)
    updateHeldUp(plan, initiatives, milestones, m);
  for (let i = 0; i < plan.plan.initiatives.length; i += 1) {
    computeInitiative(plan, initiatives, i, milestones.status, kpiCode);
  }
  deriveObjectives(data);
  const probabilistic = input.forecasting?.probabilistic;
  if (probabilistic !== undefined) {
    data.probabilistic = forecastAllProbabilistic(data, probabilistic);
  }

  const count = plan.milestones.length;
  const internal: Internal = {
    data,
    options: input.forecasting,
    links: createLinkCache(),
    signals: {
      milestone: new Array<Signal | undefined>(count),
      kpi: plan.plan.kpis.map(() => []),
      milestoneStale: new Uint8Array(count).fill(1),
      kpiStale: new Uint8Array(plan.plan.kpis.length).fill(1),
      stale: true,
      milestoneSignature: incremental ? new Array<number[] | undefined>(count) : null,
      kpiSignature: incremental ? plan.plan.kpis.map(() => new Map()) : null,
      signatureCache: createSignatureCache(count),
      list: null,
    },
    capacity: {
      active: capacityActive,
      runs,
      model: null,
      state: null,
      signals: null,
      signatures: null,
      followers: followersOf(input.plan.demands),
    },
  };
  // Which milestones and KPI periods signal is settled by the figures above. An engine that
  // follows events takes each signal's signature now, to tell later what an event changed.
  if (incremental) {
    signAll(internal);
    signCapacity(internal);
  }
  return internal;
}

/** The demands (positions) that follow each work item key. */
function followersOf(demands: readonly Demand[]): Map<string, number[]> {
  const followers = new Map<string, number[]>();
  demands.forEach((demand, at) => {
    if (demand.workItem === undefined) return;
    const list = followers.get(demand.workItem);
    if (list === undefined) followers.set(demand.workItem, [at]);
    else list.push(at);
  });
  return followers;
}

function signAll(internal: Internal): void {
  const { data, signals } = internal;
  const context = chainContext(data);
  const memo: RootMemo = new Map();
  const slip = slipTest(data, internal.options);
  const { plan } = data;
  for (let m = 0; m < plan.milestones.length; m += 1) {
    if (plan.canonicalMilestone[m] !== 1) continue;
    signals.milestoneSignature![m] = milestoneSignature(
      context,
      signals.signatureCache,
      m,
      memo,
      slip,
    );
  }
  data.kpis.forEach((core, k) => {
    if (plan.kpiAt.get(core.kpi.id) !== k) return;
    signals.kpiSignature![k] = kpiSignatures(context, signals.signatureCache, core, memo);
  });
}

export function codeOfKpi(core: KpiCore): number {
  const status = core.status.status;
  return status === 'on_track' ? 0 : status === 'at_risk' ? 1 : 2;
}
