import type { IsoDate } from '../domain/plan.ts';
import type { InsufficientHistory, ProbabilisticForecast, TeamBasis } from '../domain/state.ts';
import { hashText, mulberry32, type Random } from '../random.ts';
import { dateOf, dayOf } from './day-numbers.ts';
import type { EngineData } from './engine-data.ts';
import { linkedOf } from './work-model.ts';

/**
 * Probabilistic dates by Monte Carlo. For each milestone, each trial draws how long its open work
 * takes from the history of the teams that hold it — weeks of throughput until the team has
 * finished as many items as are open, and for each open item a cycle time (longer than the
 * time it has already been in progress) — takes the later of the two, lands the milestone the
 * next working day after its last team finishes, then applies its dependencies to the same
 * trial of each predecessor. P50, P85 and P95 are read from the trials. Each milestone draws from
 * its own stream, seeded by the seed and its id, so a result never depends on what else was
 * computed or in which order: the same input and seed give the same dates.
 */

/** What one team's completed work says about its pace. */
export interface TeamHistory {
  /** Calendar days from first in progress to done, one per completed item that has both. */
  cycleTimes: readonly number[];
  /** Items completed in each week observed, oldest first. */
  weeklyThroughput: readonly number[];
  /** Completed items observed. */
  completed: number;
}

/** The history of every team, and when each open item was first seen in progress. */
export interface WorkHistory {
  /** By team: the project key of its work items (`ERP` for `ERP-17`). */
  teams: Readonly<Record<string, TeamHistory>>;
  /** By work item key. */
  inProgressSince: Readonly<Record<string, IsoDate>>;
}

export interface ProbabilisticInput {
  history: WorkHistory;
  seed: number;
  /** Trials per milestone; 1,000 when absent. */
  trials?: number;
  /** Completed items a team needs before its history is used; 10 when absent. */
  minCompleted?: number;
}

export const DEFAULT_TRIALS = 1000;
export const DEFAULT_MIN_COMPLETED = 10;
/** A team that finishes nothing for ten years is not forecast further. */
const MAX_WEEKS = 520;
/** Tries to draw a cycle time longer than an item's age before taking its age as its end. */
const CYCLE_TIME_DRAWS = 20;

/** The team of a work item: its project key, the part of its key before the last `-`. */
export function teamOf(key: string): string {
  const dash = key.lastIndexOf('-');
  return dash > 0 ? key.slice(0, dash) : key;
}

/** Every milestone's trials (null where the history is too thin) and the forecast read from them. */
export interface ProbabilisticState {
  readonly forecasts: (ProbabilisticForecast | undefined)[];
  readonly trials: (Int32Array | null)[];
}

interface Options {
  trials: number;
  minCompleted: number;
}

function optionsOf(input: ProbabilisticInput): Options {
  return {
    trials: Math.max(1, Math.floor(input.trials ?? DEFAULT_TRIALS)),
    minCompleted: input.minCompleted ?? DEFAULT_MIN_COMPLETED,
  };
}

function draw<T>(random: Random, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

/** Days (from as-of, 0 = as-of) until a team finishes `open` items at its drawn weekly pace. */
function throughputDays(random: Random, weeks: readonly number[], open: number): number {
  let left = open;
  for (let week = 0; week < MAX_WEEKS; week += 1) {
    const done = draw(random, weeks);
    if (done >= left) return week * 7 + Math.ceil((7 * left) / done) - 1;
    left -= done;
  }
  return MAX_WEEKS * 7;
}

interface OpenWork {
  team: string;
  history: TeamHistory;
  /** Days each open item has been in progress (−1: not started). */
  ages: number[];
}

/** The open work of a milestone by team, or the team whose history is too thin. */
function openWorkOf(
  data: EngineData,
  m: number,
  input: ProbabilisticInput,
  options: Options,
): OpenWork[] | InsufficientHistory {
  const { work } = data;
  const linked = linkedOf(work, m);
  const byTeam = new Map<string, number[]>();
  for (let k = 0; k < linked.length; k += 1) {
    const slot = linked[k]!;
    if (work.open[slot] === 0) continue;
    const item = work.items[slot]!;
    const team = teamOf(item.key);
    const since = input.history.inProgressSince[item.key] ?? item.startDate;
    const age = since === null ? -1 : Math.max(0, data.asOfDay - dayOf(since));
    const ages = byTeam.get(team);
    if (ages === undefined) byTeam.set(team, [age]);
    else ages.push(age);
  }
  const teams: OpenWork[] = [];
  for (const team of [...byTeam.keys()].sort()) {
    const history = input.history.teams[team];
    const completed = history?.completed ?? 0;
    const weeksWithWork = history?.weeklyThroughput.some((n) => n > 0) ?? false;
    if (history === undefined || completed < options.minCompleted || !weeksWithWork) {
      return {
        reason: 'insufficient_history',
        team,
        completed,
        needed: options.minCompleted,
        milestone: data.plan.milestones[m]!.id,
      };
    }
    teams.push({ team, history, ages: byTeam.get(team)! });
  }
  return teams;
}

/** Computes one milestone's trials from its open work and its predecessors' trials. */
function simulate(
  data: EngineData,
  state: ProbabilisticState,
  m: number,
  input: ProbabilisticInput,
  options: Options,
): void {
  const { plan, milestones } = data;
  const milestone = plan.milestones[m]!;
  const own = openWorkOf(data, m, input, options);
  if (!Array.isArray(own)) {
    state.trials[m] = null;
    state.forecasts[m] = { insufficient: own };
    return;
  }
  const { start, list } = plan.incoming;
  const predecessors: number[] = [];
  for (let at = start[m]!; at < start[m + 1]!; at += 1) {
    const d = list[at]!;
    const from = plan.depFrom[d]!;
    const upstream = state.forecasts[from];
    // A predecessor not yet simulated closes a dependency cycle: it is left out, as the rule does.
    if (upstream === undefined) continue;
    if ('insufficient' in upstream) {
      state.trials[m] = null;
      state.forecasts[m] = { insufficient: upstream.insufficient };
      return;
    }
    predecessors.push(d);
  }

  const calendar = plan.calendarOf[m]!;
  const random = mulberry32(hashText(milestone.id, input.seed));
  const count = options.trials;
  const trials = new Int32Array(count);
  const asOfDay = data.asOfDay;
  for (let t = 0; t < count; t += 1) {
    let day: number;
    if (own.length === 0) {
      day = milestones.basisDay[m]!;
    } else {
      let latest = 0;
      for (const team of own) {
        let days = throughputDays(random, team.history.weeklyThroughput, team.ages.length);
        if (team.history.cycleTimes.length >= options.minCompleted) {
          for (const age of team.ages) {
            let cycle = draw(random, team.history.cycleTimes);
            for (let again = 0; cycle < age && again < CYCLE_TIME_DRAWS; again += 1) {
              cycle = draw(random, team.history.cycleTimes);
            }
            const left = age < 0 ? cycle : Math.max(0, cycle - age);
            if (left > days) days = left;
          }
        }
        if (days > latest) latest = days;
      }
      day = calendar.next(asOfDay + latest);
    }
    for (const d of predecessors) {
      const required = calendar.add(state.trials[plan.depFrom[d]!]![t]!, plan.depLag[d]!);
      if (required > day) day = required;
    }
    trials[t] = day;
  }
  state.trials[m] = trials;
  const sorted = trials.slice().sort();
  const at = (p: number): IsoDate => dateOf(sorted[Math.max(0, Math.ceil(p * count) - 1)]!);
  const teams: TeamBasis[] = own.map((team) => ({
    team: team.team,
    completed: team.history.completed,
    weeks: team.history.weeklyThroughput.length,
    cycleTimes: team.history.cycleTimes.length,
    openItems: team.ages.length,
  }));
  state.forecasts[m] = {
    p50: at(0.5),
    p85: at(0.85),
    p95: at(0.95),
    samples: count,
    seed: input.seed,
    basis: {
      method: 'monte_carlo',
      teams,
      upstream: [...new Set(predecessors.map((d) => plan.dependencies[d]!.predecessor))],
    },
  };
}

/** Forecasts every milestone (or those given and all they depend on), in dependency order. */
export function forecastAllProbabilistic(
  data: EngineData,
  input: ProbabilisticInput,
  only?: readonly number[],
): ProbabilisticState {
  const { plan } = data;
  const count = plan.milestones.length;
  const state: ProbabilisticState = {
    forecasts: new Array<ProbabilisticForecast | undefined>(count),
    trials: new Array<Int32Array | null>(count).fill(null),
  };
  let wanted: Uint8Array | null = null;
  if (only !== undefined) {
    // The milestones asked for and everything upstream of them.
    wanted = new Uint8Array(count);
    const stack = [...only];
    for (const m of only) wanted[m] = 1;
    while (stack.length > 0) {
      const m = stack.pop()!;
      for (let at = plan.incoming.start[m]!; at < plan.incoming.start[m + 1]!; at += 1) {
        const from = plan.depFrom[plan.incoming.list[at]!]!;
        if (wanted[from] === 0) {
          wanted[from] = 1;
          stack.push(from);
        }
      }
    }
  }
  const options = optionsOf(input);
  for (const m of plan.order) {
    if (wanted === null || wanted[m] === 1) simulate(data, state, m, input, options);
  }
  return state;
}

function sameForecast(
  a: ProbabilisticForecast | undefined,
  b: ProbabilisticForecast | undefined,
): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function sameTrials(a: Int32Array | null | undefined, b: Int32Array | null | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined || a.length !== b.length) {
    return false;
  }
  for (let t = 0; t < a.length; t += 1) if (a[t] !== b[t]) return false;
  return true;
}

/**
 * Simulates the given milestones again, and every milestone downstream whose predecessor's
 * trials changed; returns the milestones whose forecast changed. Acyclic plans only.
 */
export function reforecastProbabilistic(
  data: EngineData,
  state: ProbabilisticState,
  input: ProbabilisticInput,
  seeds: ReadonlySet<number>,
): Set<number> {
  const { plan } = data;
  const options = optionsOf(input);
  const changed = new Set<number>();
  const pending = [...seeds].sort((a, b) => plan.rank[a]! - plan.rank[b]!);
  const queued = new Set(pending);
  // Successors always rank later: appending them and re-sorting the tail keeps the order.
  for (let head = 0; head < pending.length; head += 1) {
    const m = pending[head]!;
    const before = state.forecasts[m];
    const beforeTrials = state.trials[m];
    simulate(data, state, m, input, options);
    if (!sameForecast(before, state.forecasts[m])) changed.add(m);
    if (sameTrials(beforeTrials, state.trials[m]) && sameForecast(before, state.forecasts[m]))
      continue;
    const rows = plan.outgoing;
    const next: number[] = [];
    for (let at = rows.start[m]!; at < rows.start[m + 1]!; at += 1) {
      const successor = plan.depTo[rows.list[at]!]!;
      if (!queued.has(successor)) {
        queued.add(successor);
        next.push(successor);
      }
    }
    if (next.length > 0) {
      const tail = pending.splice(head + 1).concat(next);
      tail.sort((a, b) => plan.rank[a]! - plan.rank[b]!);
      pending.push(...tail);
    }
  }
  return changed;
}
