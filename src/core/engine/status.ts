import type { Status } from '../domain/state.ts';

const RANK: Readonly<Record<Status, number>> = { on_track: 0, at_risk: 1, off_track: 2 };
const WORDS: Readonly<Record<Status, string>> = {
  on_track: 'on track',
  at_risk: 'at risk',
  off_track: 'off track',
};

/** True when status `a` is strictly worse than status `b`. */
export function isWorse(a: Status, b: Status): boolean {
  return RANK[a] > RANK[b];
}

/** The words a person reads for a status: `on track`, `at risk`, `off track`. */
export function statusWords(status: Status): string {
  return WORDS[status];
}

const OBJECTIVE_AT_RISK =
  'An objective is at risk when something that feeds it (a KPI, a serving initiative, a child objective) is not on track, short of what puts it off track.';
const DELIVERY = "An initiative's delivery takes the status of its worst milestone.";
const VALUE =
  "An initiative's value takes the status of the worst KPI fed by its own benefits or by the benefits of milestones its late milestones hold up.";
const KPI_NO_TARGET =
  'A KPI with no target for a period that has not ended has nothing to miss, so it counts as on track.';

/**
 * Every status rule in one plain sentence, by rule id: what the web app shows beside a status's
 * reason, and what docs/ENGINE.md says at more length. A rule missing here shows its reason only.
 */
export const STATUS_RULES: Readonly<Record<string, string>> = {
  'milestone.on_plan':
    'A milestone is on track when its forecast lands on or before its planned date and its open work has due dates.',
  'milestone.forecast_after_plan':
    'A milestone is off track when its forecast passes its planned date.',
  'milestone.work_finish_unknown':
    'A milestone is at risk when some of its open work has no due date, so its finish is unknown.',
  'kpi.meets_target':
    'A KPI is on track when its forecast meets the target of every period still open by 5% or more.',
  'kpi.thin_margin':
    'A KPI is at risk when its forecast meets the target of a period still open by less than 5%.',
  'kpi.misses_target':
    'A KPI is off track when its forecast misses the target of a period that has not ended.',
  'kpi.no_target': KPI_NO_TARGET,
  'kpi.no_open_target': KPI_NO_TARGET,
  'initiative.delivery_on_track': DELIVERY,
  'initiative.delivery_at_risk': DELIVERY,
  'initiative.delivery_off_track': DELIVERY,
  'initiative.no_milestones':
    'An initiative without milestones has nothing to be late, so its delivery is on track.',
  'initiative.value_on_track': VALUE,
  'initiative.value_at_risk': VALUE,
  'initiative.value_off_track': VALUE,
  'initiative.no_benefits':
    'An initiative whose benefits feed no KPI has no value to miss, so its value is on track.',
  'objective.kpis_off_track':
    'An objective is off track when at least half of its KPIs are off track.',
  'objective.all_off_track':
    'An objective without KPIs is off track when every initiative serving it and every objective under it is off track.',
  'objective.kpi_not_on_track': OBJECTIVE_AT_RISK,
  'objective.initiative_not_on_track': OBJECTIVE_AT_RISK,
  'objective.child_not_on_track': OBJECTIVE_AT_RISK,
  'objective.contributor_not_on_track': OBJECTIVE_AT_RISK,
  'objective.on_track':
    'An objective is on track when its KPIs, serving initiatives and child objectives are all on track.',
};

/** The plain sentence of a status rule, or null for a rule without one. */
export function ruleSentence(rule: string): string | null {
  return Object.hasOwn(STATUS_RULES, rule) ? STATUS_RULES[rule]! : null;
}
