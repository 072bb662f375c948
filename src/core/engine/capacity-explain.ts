import type { CapacityState, DemandRun, ExplanationStep } from '../domain/state.ts';
import { weekRange } from '../schedule/over-allocation.ts';
import { formatAmount, formatWithUnit } from './format.ts';

/**
 * The capacity part of an explanation: for a milestone, whether the levelled forecast moves it
 * and which capacity constraint does; for an initiative, what its demands take and where they
 * clash; for a unit, its capacity, its load and its over-allocations.
 */
export function capacitySteps(
  capacity: CapacityState,
  kind: 'milestone' | 'initiative' | 'unit',
  id: string,
): ExplanationStep[] {
  switch (kind) {
    case 'milestone':
      return milestoneSteps(capacity, id);
    case 'initiative':
      return demandOwnerSteps(
        capacity,
        capacity.demands.filter((demand) => demand.initiative === id),
        (over) => over.initiatives.some((taker) => taker.id === id),
      );
    case 'unit':
      return unitSteps(capacity, id);
  }
}

function demandStep(capacity: CapacityState, demand: DemandRun): ExplanationStep {
  const planned = weekRange([demand.plannedStart, demand.plannedEnd]);
  const follows = demand.workItem === undefined ? '' : ` while ${demand.workItem} runs`;
  const levelled =
    demand.delayWeeks === 0
      ? 'it has room as planned'
      : `levelled, it runs in ${weekRange([demand.levelledStart, demand.levelledEnd])}, ${demand.delayWeeks} ${demand.delayWeeks === 1 ? 'week' : 'weeks'} later`;
  return {
    rule: 'capacity.demand',
    text: `${demand.id} takes ${formatWithUnit(formatAmount(demand.perWeek), capacity.measure)} a week of ${demand.unit} in ${planned}${follows}; ${levelled}`,
    ref: { kind: 'demand', id: demand.id },
    figures: {
      unit: demand.unit,
      perWeek: demand.perWeek,
      plannedStart: demand.plannedStart,
      plannedEnd: demand.plannedEnd,
      levelledStart: demand.levelledStart,
      levelledEnd: demand.levelledEnd,
      delayWeeks: demand.delayWeeks,
    },
  };
}

function overAllocationSteps(
  capacity: CapacityState,
  which: (over: CapacityState['overAllocations'][number]) => boolean,
): ExplanationStep[] {
  return capacity.overAllocations.filter(which).map((over) => ({
    rule: 'capacity.over_allocated',
    text: over.sentence,
    ref: { kind: 'unit', id: over.unit },
    figures: {
      unit: over.unit,
      weeks: over.weeks.join(','),
      capacity: over.capacity,
      peakLoad: over.peakLoad,
      ...(over.peakPercent !== null ? { peakPercent: over.peakPercent } : {}),
    },
  }));
}

function demandOwnerSteps(
  capacity: CapacityState,
  demands: readonly DemandRun[],
  which: (over: CapacityState['overAllocations'][number]) => boolean,
): ExplanationStep[] {
  return [
    ...demands.map((demand) => demandStep(capacity, demand)),
    ...overAllocationSteps(capacity, which),
  ];
}

function milestoneSteps(capacity: CapacityState, id: string): ExplanationStep[] {
  const demands = capacity.demands.filter((demand) => demand.milestones.includes(id));
  const move = capacity.milestones.find((m) => m.id === id);
  const steps: ExplanationStep[] = demands.map((demand) => demandStep(capacity, demand));
  if (move === undefined) {
    if (demands.length > 0)
      steps.push({
        rule: 'milestone.levelled_on_forecast',
        text: `Levelled within every unit's capacity, ${id} keeps its forecast`,
      });
    return steps;
  }
  if (move.cause.kind === 'over_allocation') {
    const cause = move.cause.overAllocation;
    steps.push(...overAllocationSteps(capacity, (over) => over.id === cause));
  }
  steps.push({
    rule: 'milestone.levelled',
    text: `${move.sentence}; ${move.forecastDate} without it`,
    ...(move.cause.kind === 'dependency'
      ? { ref: { kind: 'milestone' as const, id: move.cause.predecessor } }
      : {}),
    figures: {
      forecastDate: move.forecastDate,
      levelledDate: move.levelledDate,
      calendarDays: move.calendarDays,
      workingDays: move.workingDays,
    },
  });
  return steps;
}

function unitSteps(capacity: CapacityState, id: string): ExplanationStep[] {
  const load = capacity.units.find((unit) => unit.unit === id);
  if (load === undefined)
    return [
      {
        rule: 'unit.no_capacity',
        text: `${id} declares no capacity and no demand takes from it`,
      },
    ];
  const first = load.weeks[0];
  const steps: ExplanationStep[] = [];
  if (first !== undefined) {
    const capacities = load.weeks.map((week) => week.capacity);
    const known = capacities.filter((value): value is number => value !== null);
    const range =
      known.length === 0
        ? 'no declared capacity'
        : Math.min(...known) === Math.max(...known)
          ? `a capacity of ${formatWithUnit(formatAmount(known[0]!), capacity.measure)} a week`
          : `a capacity of ${formatAmount(Math.min(...known))}–${formatWithUnit(formatAmount(Math.max(...known)), capacity.measure)} a week, by period`;
    const peak = Math.max(...load.weeks.map((week) => week.load));
    steps.push({
      rule: 'unit.capacity',
      text: `${id} has ${range} from ${first.week}; its demands, as planned, take up to ${formatWithUnit(formatAmount(peak), capacity.measure)} a week`,
      figures: { fromWeek: first.week, peakLoad: peak },
    });
  }
  return [
    ...steps,
    ...demandOwnerSteps(
      capacity,
      capacity.demands.filter((demand) => demand.unit === id),
      (over) => over.unit === id,
    ),
  ];
}
