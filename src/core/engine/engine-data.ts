import type { IsoDate } from '../domain/plan.ts';
import type { WorkItemChange } from '../domain/work-item.ts';
import type { KpiCore } from './kpi-model.ts';
import { ON_TRACK, type MilestoneModel } from './milestone-model.ts';
import type { PlanModel } from './plan-model.ts';
import type { ProbabilisticState } from './probabilistic-forecast.ts';
import {
  codeOf,
  type InitiativeModel,
  type ObjectiveCore,
  type ObjectiveGraph,
} from './status-model.ts';
import type { WorkModel } from './work-model.ts';

/** Everything the engine holds about one plan, its work and one as-of day. */
export interface EngineData {
  readonly asOf: IsoDate;
  readonly asOfDay: number;
  readonly plan: PlanModel;
  readonly work: WorkModel;
  readonly changes: Map<string, WorkItemChange>;
  readonly milestones: MilestoneModel;
  readonly kpis: KpiCore[];
  readonly initiatives: InitiativeModel;
  readonly objectiveGraph: ObjectiveGraph;
  readonly objectives: ObjectiveCore[];
  /** Monte Carlo trials and forecasts by milestone position, when the input asked for them. */
  probabilistic: ProbabilisticState | null;
}

/** The delivery status code of an initiative: its worst milestone's, on track without any. */
export function deliveryCode(data: EngineData, i: number): number {
  const worst = data.initiatives.worstMilestone[i]!;
  return worst < 0 ? ON_TRACK : data.milestones.status[worst]!;
}

/** The value status code of an initiative: the worst KPI's its benefits feed, else on track. */
export function valueCode(data: EngineData, i: number): number {
  const worst = data.initiatives.worstKpi[i]!;
  return worst < 0 ? ON_TRACK : codeOf(data.kpis[worst]!.status.status);
}
