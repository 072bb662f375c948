import { fromDayNumber } from '../calendar.ts';
import type { IsoDate, Plan } from '../domain/plan.ts';
import type { DerivedState, Signal } from '../domain/state.ts';
import type { ScenarioChange } from '../scenario/scenario.ts';
import { mondayOfWeek, weekIndex } from '../schedule/iso-week.ts';
import type { ProposedOption } from './decision.ts';

/**
 * The options the engine can derive from a signal. For an over-allocated unit: accept the later
 * (levelled) dates; add the missing capacity in exactly those weeks, priced at the unit's
 * cost per week; let the initiatives whose moved milestones carry no benefit yield the unit to
 * those whose do. For a slipped milestone: accept the slip and re-baseline; accept it and
 * re-plan the dependants that slip with it. Other signals propose nothing: people add options.
 */
export function proposeOptions(plan: Plan, state: DerivedState, signal: Signal): ProposedOption[] {
  if (signal.kind === 'capacity.over_allocated') return capacityOptions(plan, state, signal);
  if (signal.kind === 'milestone.slipped') return slipOptions(plan, state, signal.subject.id);
  return [];
}

function capacityOptions(plan: Plan, state: DerivedState, signal: Signal): ProposedOption[] {
  const over = state.capacity.overAllocations.find((o) => o.id === signal.id);
  if (over === undefined) return [];
  const options: ProposedOption[] = [];
  const weeks =
    over.weeks.length === 1 ? over.weeks[0]! : `${over.weeks[0]!}…${over.weeks.at(-1)!}`;
  // The milestones the chain names, with the date levelling gives them.
  const moved = signal.chain
    .filter((step) => step.kind === 'milestone')
    .map((step) => ({ id: step.id, levelled: String(step.figures['levelledDate'] ?? '') }));
  const planned = new Map(plan.milestones.map((m) => [m.id, m]));
  const later = moved.filter((m) => {
    const milestone = planned.get(m.id);
    return milestone !== undefined && m.levelled > milestone.plannedDate;
  });
  if (later.length > 0)
    options.push({
      title: `Accept the later dates: ${later.map((m) => `${m.id} on ${m.levelled}`).join(', ')}`,
      changes: later.map((m) => ({
        kind: 'move_milestone',
        milestone: m.id,
        plannedDate: m.levelled,
      })),
    });

  const firstWeek = weekIndex(over.weeks[0]!);
  const lastWeek = weekIndex(over.weeks.at(-1)!);
  const missing = over.peakLoad - over.capacity;
  if (firstWeek !== undefined && lastWeek !== undefined && missing > 0) {
    // Exactly the weeks that are over-allocated, Monday to Sunday.
    const from = fromDayNumber(mondayOfWeek(firstWeek));
    const to = fromDayNumber(mondayOfWeek(lastWeek) + 6);
    const unit = plan.units.find((u) => u.id === over.unit);
    const rate = unit?.capacity?.costPerWeek;
    const weekCount = lastWeek - firstWeek + 1;
    const change: ScenarioChange = {
      kind: 'add_capacity',
      unit: over.unit,
      perWeek: missing,
      from,
      to,
    };
    if (rate !== undefined && rate > 0)
      change.cost = {
        amount: Math.round(missing * rate * weekCount * 100) / 100,
        period: periodOf(from, to),
      };
    if (from > state.asOf)
      options.push({
        title: `Add ${missing} a week of ${over.unit} capacity in ${weeks} (${from} to ${to})${change.cost === undefined ? '' : `, at ${Math.round(change.cost.amount).toLocaleString('en-US')} ${plan.organisation.currency}`}`,
        changes: [change],
      });
  }

  // Who carries money in the moved milestones, and who does not.
  const withBenefit = new Set(plan.benefits.map((b) => b.milestone));
  const carries = new Set<string>();
  const yields = new Set<string>();
  for (const m of moved) {
    const initiative = planned.get(m.id)?.initiative;
    if (initiative === undefined) continue;
    (withBenefit.has(m.id) ? carries : yields).add(initiative);
  }
  for (const i of carries) yields.delete(i);
  const first = [...carries][0];
  if (first !== undefined && yields.size > 0)
    options.push({
      title: `Let ${[...yields].join(', ')} yield ${over.unit} to ${first} in ${weeks}`,
      changes: [{ kind: 'prioritise', unit: over.unit, initiative: first, over: [...yields] }],
    });
  return options;
}

function slipOptions(plan: Plan, state: DerivedState, milestone: string): ProposedOption[] {
  const options: ProposedOption[] = [
    {
      title: `Accept the slip of ${milestone} and re-baseline it on ${state.milestones.get(milestone)?.forecastDate ?? 'its forecast'}`,
      changes: [{ kind: 'accept_slip', milestone }],
    },
  ];
  // Dependants that slip too, through the dependency network.
  const dependants: string[] = [];
  const queue = [milestone];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const d of plan.dependencies)
      if (d.predecessor === at && !dependants.includes(d.successor) && d.successor !== milestone) {
        dependants.push(d.successor);
        queue.push(d.successor);
      }
  }
  const slipping = dependants.filter((id) => (state.milestones.get(id)?.slipWorkingDays ?? 0) > 0);
  if (slipping.length > 0)
    options.push({
      title: `Accept the slip of ${milestone} and re-plan its dependants ${slipping.join(', ')}`,
      changes: [milestone, ...slipping].map((id) => ({ kind: 'accept_slip', milestone: id })),
    });
  return options;
}

/** The reporting period that holds both days: the month, else the quarter, else the year. */
function periodOf(from: IsoDate, to: IsoDate): string {
  if (from.slice(0, 7) === to.slice(0, 7)) return from.slice(0, 7);
  const quarter = (d: IsoDate): number => Math.ceil(Number(d.slice(5, 7)) / 3);
  if (from.slice(0, 4) === to.slice(0, 4) && quarter(from) === quarter(to))
    return `${from.slice(0, 4)}-Q${quarter(from)}`;
  return from.slice(0, 4);
}
