import type {
  CapacityOverAllocation,
  CapacityState,
  ChainStep,
  LevelledMilestone,
  Signal,
} from '../domain/state.ts';
import { listing, weekRange } from '../schedule/over-allocation.ts';
import { rowOf } from './compressed-rows.ts';
import type { EngineData } from './engine-data.ts';
import { formatAmount, formatWithUnit } from './format.ts';
import { ownerOfMilestone } from './plan-model.ts';

/**
 * One signal per over-allocation: a unit has more work than capacity in some weeks. Its chain
 * runs from the unit and the initiatives that take it, through the milestones the levelled
 * forecast moves, to the benefits (money) that arrive later; it ends with the trade-off and who
 * decides it: the owner of the closest objective every initiative involved serves, else an
 * executive.
 */
export function capacitySignals(data: EngineData, capacity: CapacityState): Signal[] {
  if (capacity.overAllocations.length === 0) return [];
  const rootOf = overAllocationOfMove(capacity.milestones);
  return capacity.overAllocations.map((over) =>
    overAllocationSignal(
      data,
      capacity,
      over,
      capacity.milestones.filter((move) => rootOf.get(move.id) === over.id),
    ),
  );
}

/** The over-allocation behind each move, followed through the dependencies that carry it. */
function overAllocationOfMove(moves: readonly LevelledMilestone[]): Map<string, string> {
  const byId = new Map(moves.map((move) => [move.id, move]));
  const root = new Map<string, string>();
  const find = (move: LevelledMilestone, seen: Set<string>): string | undefined => {
    const cause = move.cause;
    if (cause.kind === 'over_allocation') return cause.overAllocation;
    if (cause.kind === 'queue') return undefined;
    const before = byId.get(cause.predecessor);
    if (before === undefined || seen.has(before.id)) return undefined;
    seen.add(before.id);
    return find(before, seen);
  };
  for (const move of moves) {
    const found = find(move, new Set([move.id]));
    if (found !== undefined) root.set(move.id, found);
  }
  return root;
}

function overAllocationSignal(
  data: EngineData,
  capacity: CapacityState,
  over: CapacityOverAllocation,
  moves: readonly LevelledMilestone[],
): Signal {
  const { plan: model } = data;
  const plan = model.plan;
  const index = model.index;
  const weeks = weekRange(over.weeks);
  const owners = new Set<string>();
  const chain: ChainStep[] = [
    {
      kind: 'unit',
      id: over.unit,
      text: over.sentence,
      figures: {
        weeks: over.weeks.join(','),
        capacity: over.capacity,
        peakLoad: over.peakLoad,
        ...(over.peakPercent !== null ? { peakPercent: over.peakPercent } : {}),
        measure: capacity.measure,
      },
    },
  ];
  for (const taker of over.initiatives) {
    const initiative = index.initiatives.get(taker.id);
    if (initiative !== undefined) owners.add(initiative.owner);
    chain.push({
      kind: 'initiative',
      id: taker.id,
      text: `${taker.id} takes up to ${formatWithUnit(formatAmount(taker.load), capacity.measure)} a week of ${over.unit} in ${weeks}`,
      figures: { load: taker.load },
    });
  }
  const currency = plan.organisation.currency;
  for (const move of moves) {
    const m = model.milestoneAt.get(move.id)!;
    const owner = ownerOfMilestone(model, m);
    if (owner !== null) owners.add(owner);
    chain.push({
      kind: 'milestone',
      id: move.id,
      text: `${move.sentence} (forecast ${move.forecastDate})`,
      figures: {
        forecastDate: move.forecastDate,
        levelledDate: move.levelledDate,
        calendarDays: move.calendarDays,
        workingDays: move.workingDays,
      },
    });
    for (const b of rowOf(model.benefitsOfMilestone, m)) {
      const benefit = plan.benefits[b]!;
      const kpi = index.kpis.get(benefit.kpi);
      if (kpi !== undefined) owners.add(kpi.owner);
      const later = (benefit.amountPerWeek * move.calendarDays) / 7;
      const measure = kpi?.unitOfMeasure ?? currency;
      chain.push({
        kind: 'benefit',
        id: benefit.id,
        text: `${benefit.kpi}: ${formatWithUnit(formatAmount(later), measure)} later — ${benefit.id} brings ${formatWithUnit(formatAmount(benefit.amountPerWeek), measure)} a week from ${move.id}, which lands ${move.calendarDays} days later`,
        figures: {
          kpi: benefit.kpi,
          amountPerWeek: benefit.amountPerWeek,
          days: move.calendarDays,
          later,
        },
      });
    }
  }
  const decider = deciderOf(
    data,
    over.initiatives.map((taker) => taker.id),
  );
  if (decider !== null) {
    owners.add(decider.person);
    const initiatives = over.initiatives.map((taker) => taker.id);
    const name = index.people.get(decider.person)?.name ?? decider.person;
    chain.push({
      kind: decider.objective === null ? 'unit' : 'objective',
      id: decider.objective ?? over.unit,
      text: `Trade-off: ${over.unit}'s capacity in ${weeks} between ${listing(initiatives)}, or more capacity for ${over.unit}; ${name} decides${decider.objective === null ? '' : `, as owner of ${decider.objective}`}`,
      figures: { decider: decider.person },
    });
  }
  const share = over.peakPercent === null ? 'has no capacity' : `is at ${over.peakPercent}%`;
  const moved = moves.length === 0 ? '' : `: ${moves.map((move) => move.id).join(', ')} move`;
  return {
    id: over.id,
    kind: 'capacity.over_allocated',
    subject: { kind: 'unit', id: over.unit },
    title: `${over.unit} ${share} in ${weeks}${moved}`,
    chain,
    affectedOwners: [...owners].sort(),
  };
}

/**
 * Who decides a trade-off between initiatives: the owner of the closest objective that all of
 * them serve (directly or through parent objectives), else the first executive of the plan.
 */
function deciderOf(
  data: EngineData,
  initiativeIds: readonly string[],
): { person: string; objective: string | null } | null {
  const model = data.plan;
  const plan = model.plan;
  let common: Map<number, number> | null = null;
  for (const id of initiativeIds) {
    const i = model.initiativeAt.get(id);
    if (i === undefined) continue;
    // Every objective it serves, and how far up each is.
    const reach = new Map<number, number>();
    for (const o of rowOf(model.objectivesOfInitiative, i)) {
      let at = o;
      for (let depth = 0; at >= 0 && !reach.has(at); depth += 1) {
        reach.set(at, depth);
        at = model.parentObjective[at]!;
      }
    }
    if (common === null) common = reach;
    else {
      const both = new Map<number, number>();
      for (const [o, depth] of reach) {
        const other = common.get(o);
        if (other !== undefined) both.set(o, Math.max(depth, other));
      }
      common = both;
    }
  }
  let closest: number | null = null;
  for (const [o, depth] of common ?? []) {
    if (closest === null || depth < common!.get(closest)!) closest = o;
  }
  if (closest !== null) {
    const objective = plan.objectives[closest]!;
    return { person: objective.owner, objective: objective.id };
  }
  const executive = plan.people.find((person) => person.role === 'executive');
  return executive === undefined ? null : { person: executive.id, objective: null };
}
