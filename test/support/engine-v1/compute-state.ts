import type { IsoDate, Plan } from '../../../src/core/domain/plan.ts';
import type { DerivedState } from './state.ts';
import type { WorkItem, WorkItemChange } from '../../../src/core/domain/work-item.ts';
import { createCauseChains } from './cause-chain.ts';
import { deriveInitiativeStatuses } from './derive-initiative-status.ts';
import { deriveObjectiveStatuses } from './derive-objective-status.ts';
import { forecastKpis } from './forecast-kpis.ts';
import { forecastMilestones } from './forecast-milestones.ts';
import { forecastWorkItems } from './forecast-work-items.ts';
import { initiativeCalendars } from './initiative-calendars.ts';
import { indexPlan } from './plan-index.ts';
import { raiseSignals } from './raise-signals.ts';
import { indexWorkItems } from './work-item-index.ts';

export interface EngineInput {
  plan: Plan;
  workItems: readonly WorkItem[];
  /** The latest change the source reported per work item key; may be empty. */
  changes: Readonly<Record<string, WorkItemChange>>;
  /** "Now": the day the state is derived for. */
  asOf: IsoDate;
}

/**
 * Derives the whole state from the plan and the work as of a day: work item and milestone
 * forecasts, KPI forecasts, initiative and objective statuses, and signals with cause chains.
 */
export function computeState(input: EngineInput): DerivedState {
  const { plan: planData, workItems, changes, asOf } = input;
  const plan = indexPlan(planData);
  const work = indexWorkItems(workItems);
  const workForecasts = forecastWorkItems(work, asOf);
  const milestones = forecastMilestones({
    plan,
    work,
    workForecasts,
    calendarOf: initiativeCalendars(planData),
  });
  const kpis = forecastKpis(plan, milestones, asOf);
  const initiatives = deriveInitiativeStatuses(plan, milestones, kpis);
  const objectives = deriveObjectiveStatuses(plan, kpis, initiatives);
  const chains = createCauseChains({
    plan,
    work,
    workForecasts,
    milestones,
    objectives,
    changes,
    asOf,
  });
  const signals = raiseSignals({ plan, milestones, kpis, chains, asOf });
  return {
    asOf,
    workItems: workForecasts.byKey,
    milestones,
    kpis,
    initiatives,
    objectives,
    signals,
  };
}
