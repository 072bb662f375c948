import { addDays, fromDayNumber } from '../calendar.ts';
import type { IsoDate, Plan } from '../domain/plan.ts';
import type { DerivedState } from '../domain/state.ts';
import type { ScenarioChange } from '../scenario/scenario.ts';
import { mondayOfWeek, weekIndex } from '../schedule/iso-week.ts';

/**
 * The due date rule: an option is possible until the day before the first thing it changes
 * begins — capacity added from the 1st of a month, a demand's window, the first over-allocated
 * week a priority acts in, a date it sets as a milestone's baseline, a milestone it drops. A
 * decision is due on the last day every option is still possible. Changes with no such day
 * (budget, benefits, hold, stop) set none.
 */
export function lastDayOf(
  plan: Plan,
  state: DerivedState,
  changes: readonly ScenarioChange[],
): IsoDate | null {
  const days: IsoDate[] = [];
  for (const change of changes) {
    switch (change.kind) {
      case 'add_capacity':
        days.push(addDays(change.from, -1));
        break;
      case 'move_demand': {
        const demand = plan.demands.find((d) => d.id === change.demand);
        for (const from of [demand?.from, change.from])
          if (from !== undefined) days.push(addDays(from, -1));
        break;
      }
      case 'prioritise':
        for (const over of state.capacity.overAllocations) {
          const week = over.unit === change.unit ? weekIndex(over.weeks[0] ?? '') : undefined;
          if (week !== undefined) days.push(addDays(fromDayNumber(mondayOfWeek(week)), -1));
        }
        break;
      case 'move_milestone':
        days.push(addDays(change.plannedDate, -1));
        break;
      case 'accept_slip':
      case 'descope_milestone': {
        const forecast = state.milestones.get(change.milestone)?.forecastDate;
        if (forecast !== undefined) days.push(addDays(forecast, -1));
        break;
      }
      default:
        break;
    }
  }
  return earliest(days);
}

/** The earliest of some days; null for none. */
export function earliest(days: readonly (IsoDate | null)[]): IsoDate | null {
  let first: IsoDate | null = null;
  for (const day of days) if (day !== null && (first === null || day < first)) first = day;
  return first;
}
