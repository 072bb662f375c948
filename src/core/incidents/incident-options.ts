import type { ProposedOption } from '../decisions/decision.ts';
import { proposeOptions } from '../decisions/propose-options.ts';
import type { Plan } from '../domain/plan.ts';
import type { DerivedState, Signal } from '../domain/state.ts';
import type { ScenarioChange } from '../scenario/scenario.ts';
import type { Incident } from './incident.ts';

/**
 * The options the engine proposes for an incident: those it proposes for each of its signals
 * (proposeOptions), without repeats. Options that only re-baseline milestones become one — accept
 * every later date the incident's options name, each milestone once (`accept_slip` where the
 * date is its forecast now) — so that accepting part of an incident's slips is not offered
 * beside accepting all of them.
 */
export function incidentOptions(
  plan: Plan,
  state: DerivedState,
  incident: Pick<Incident, 'signals'>,
  signals: readonly Signal[],
): ProposedOption[] {
  const mine = new Set(incident.signals.map((s) => s.id));
  const proposed = signals
    .filter((s) => mine.has(s.id))
    .flatMap((signal) => proposeOptions(plan, state, signal));
  const rebaseline = new Map<string, ScenarioChange>();
  let at: number | null = null;
  const out: ProposedOption[] = [];
  const seen = new Set<string>();
  for (const option of proposed) {
    const onlyDates = option.changes.every(
      (c) => c.kind === 'accept_slip' || c.kind === 'move_milestone',
    );
    if (onlyDates && option.changes.length > 0) {
      at ??= out.length;
      for (const change of option.changes) {
        if (change.kind !== 'accept_slip' && change.kind !== 'move_milestone') continue;
        if (rebaseline.has(change.milestone)) continue;
        const forecast = state.milestones.get(change.milestone)?.forecastDate;
        rebaseline.set(
          change.milestone,
          change.kind === 'move_milestone' && change.plannedDate === forecast
            ? { kind: 'accept_slip', milestone: change.milestone }
            : change,
        );
      }
      continue;
    }
    const key = JSON.stringify(option.changes);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(option);
  }
  if (at !== null) {
    const dateOf = (c: ScenarioChange): string =>
      (c.kind === 'move_milestone'
        ? c.plannedDate
        : state.milestones.get(milestoneOf(c))?.forecastDate) ?? '';
    // The earliest date first, whatever order the plan lists the milestones in.
    const changes = [...rebaseline.values()].sort(
      (a, b) => dateOf(a).localeCompare(dateOf(b)) || milestoneOf(a).localeCompare(milestoneOf(b)),
    );
    const dates = changes.map((c) => `${milestoneOf(c)} on ${dateOf(c) || 'its forecast'}`);
    out.splice(at, 0, {
      title:
        changes.length === 1
          ? `Accept the later date and re-baseline: ${dates[0]!}`
          : `Accept the later dates and re-baseline: ${dates.join(', ')}`,
      changes,
    });
  }
  return out;
}

function milestoneOf(change: ScenarioChange): string {
  return change.kind === 'accept_slip' || change.kind === 'move_milestone' ? change.milestone : '';
}
