import { holdsRole } from '../access/roles.ts';
import { daysBetween } from '../calendar.ts';
import type { DecisionRight, Plan } from '../domain/plan.ts';
import type { ChainStep, DerivedState, Signal } from '../domain/state.ts';
import { whyNot } from '../decisions/decider.ts';
import { accrualDays, accruedAmount } from '../engine/benefit-accrual.ts';
import { dayOf } from '../engine/day-numbers.ts';
import { formatAmount, formatWithUnit } from '../engine/format.ts';
import { listing, weekRange } from '../schedule/over-allocation.ts';
import type {
  CapacityEffect,
  Incident,
  IncidentCause,
  IncidentReach,
  KpiEffect,
  KpiStake,
  MilestoneEffect,
  ObjectiveEffect,
} from './incident.ts';
import { type Names, namedStep, namesOf } from './incident-words.ts';

/** The order root causes are preferred in, for an incident's id: source events first. */
const CAUSE_RANK: Record<IncidentCause['kind'], number> = {
  work_item: 0,
  milestone: 1,
  capacity: 2,
  kpi: 3,
  source: 4,
};

/**
 * Groups signals that share a root cause into incidents, in the order of their first signal
 * (slips, KPI misses, bottlenecks, sources, each by id).
 * A signal's root causes: the source event its chain starts from (a work item) or the milestone
 * late on its own, and the over-allocation whose levelling moves a milestone of its chain; a
 * KPI signal takes the causes of the slipped milestones that cost it money; a capacity signal
 * is its own cause, and shares a work item's when one of its demands follows a work item that
 * is the root of another signal. Signals sharing a cause are one incident (transitively).
 */
/**
 * What every incident of one call reads from the plan and the state, looked up once: a portfolio
 * with thousands of signals would otherwise scan the plan once per incident.
 */
interface PlanIndex {
  milestones: Map<string, Plan['milestones'][number]>;
  planned: Map<string, string>;
  amountOf: Map<string, number>;
  /** The KPIs a milestone's benefits accrue to (through the state's KPI periods). */
  kpisOfMilestone: Map<string, Set<string>>;
}

function indexOf(plan: Plan, state: DerivedState): PlanIndex {
  const kpisOfMilestone = new Map<string, Set<string>>();
  for (const [kpi, derived] of state.kpis)
    for (const period of derived.periods)
      for (const accrual of period.benefits) {
        const set = kpisOfMilestone.get(accrual.milestone) ?? new Set<string>();
        set.add(kpi);
        kpisOfMilestone.set(accrual.milestone, set);
      }
  return {
    milestones: new Map(plan.milestones.map((m) => [m.id, m])),
    planned: new Map(plan.milestones.map((m) => [m.id, m.plannedDate])),
    amountOf: new Map(plan.benefits.map((b) => [b.id, b.amountPerWeek])),
    kpisOfMilestone,
  };
}

export function groupIncidents(
  plan: Plan,
  state: DerivedState,
  given: readonly Signal[],
): Incident[] {
  const signals = canonicalOrder(given);
  const names = namesOf(plan);
  const index = indexOf(plan, state);
  const causes = causesOfSignals(plan, state, signals);
  // Union-find over signals, joined through shared causes.
  const parent = signals.map((_, k) => k);
  const find = (k: number): number => {
    while (parent[k] !== k) {
      parent[k] = parent[parent[k]!]!;
      k = parent[k]!;
    }
    return k;
  };
  const holder = new Map<string, number>();
  causes.forEach((keys, k) => {
    for (const key of keys) {
      const other = holder.get(key);
      if (other === undefined) holder.set(key, k);
      else {
        const [a, b] = [find(other), find(k)];
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  const groups = new Map<number, number[]>();
  signals.forEach((_, k) => {
    const root = find(k);
    const group = groups.get(root) ?? [];
    group.push(k);
    groups.set(root, group);
  });
  return [...groups.values()].map((members) =>
    incidentOf(
      plan,
      state,
      names,
      index,
      members.map((k) => signals[k]!),
      members.flatMap((k) => causes[k]!),
    ),
  );
}

const KIND_ORDER: Record<string, number> = {
  'milestone.slipped': 0,
  'kpi.misses_target': 1,
  'capacity.over_allocated': 2,
  'source.stale': 3,
};

/**
 * Signals in one order, whatever order they come in (the store lists the newest first, a plan
 * read back from the store lists its entities by id): slips, KPI misses, bottlenecks, sources,
 * each by id.
 */
function canonicalOrder(signals: readonly Signal[]): Signal[] {
  return [...signals].sort(
    (a, b) =>
      (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** The root-cause keys of each signal (see groupIncidents). */
function causesOfSignals(plan: Plan, state: DerivedState, signals: readonly Signal[]): string[][] {
  const slipOf = new Map(
    signals.filter((s) => s.kind === 'milestone.slipped').map((s) => [s.subject.id, s]),
  );
  const capacityIds = new Set(
    signals.filter((s) => s.kind === 'capacity.over_allocated').map((s) => s.id),
  );
  const overOf = overAllocationOfMilestone(state, signals);
  const milestoneCauses = (signal: Signal): string[] => {
    const keys: string[] = [];
    const first = signal.chain[0];
    if (first?.kind === 'work_item') keys.push(`work_item:${first.id}`);
    else if (first?.kind === 'milestone' && lateOnItsOwn(state, first.id))
      keys.push(`milestone:${first.id}`);
    for (const step of signal.chain) {
      if (step.kind !== 'milestone') continue;
      const over = overOf(step.id);
      if (over !== null && capacityIds.has(over) && !keys.includes(over)) keys.push(over);
    }
    return keys;
  };
  const out = signals.map((signal): string[] => {
    switch (signal.kind) {
      case 'milestone.slipped':
        return milestoneCauses(signal);
      case 'kpi.misses_target': {
        const keys: string[] = [];
        for (const step of signal.chain) {
          if (step.kind !== 'milestone') continue;
          const slip = slipOf.get(step.id);
          const own = slip === undefined ? [`milestone:${step.id}`] : milestoneCauses(slip);
          for (const key of own) if (!keys.includes(key)) keys.push(key);
        }
        return keys;
      }
      default:
        return [];
    }
  });
  // A bottleneck shares the root of a late work item when one of its demands follows that item.
  const lateItems = new Set(out.flat().filter((key) => key.startsWith('work_item:')));
  signals.forEach((signal, k) => {
    if (signal.kind !== 'capacity.over_allocated') return;
    const over = state.capacity.overAllocations.find((o) => o.id === signal.id);
    const keys = [signal.id];
    for (const run of state.capacity.demands) {
      if (over === undefined || run.unit !== over.unit || run.workItem === undefined) continue;
      const key = `work_item:${run.workItem}`;
      const overlaps = run.plannedStart <= over.weeks.at(-1)! && run.plannedEnd >= over.weeks[0]!;
      if (overlaps && lateItems.has(key) && !keys.includes(key)) keys.push(key);
    }
    out[k] = keys;
  });
  return out.map((keys, k) => (keys.length > 0 ? keys : [signals[k]!.id]));
}

/** True when a milestone is late by its own work, not only through the resource bottleneck. */
function lateOnItsOwn(state: DerivedState, id: string): boolean {
  const m = state.milestones.get(id);
  return m !== undefined && (m.unconstrainedDate ?? m.forecastDate) > m.plannedDate;
}

/** The over-allocation (its signal id) whose levelling moves a milestone, or null. */
function overAllocationOfMilestone(
  state: DerivedState,
  signals: readonly Signal[],
): (id: string) => string | null {
  const levelled = new Map(state.capacity.milestones.map((m) => [m.id, m]));
  const runs = new Map(state.capacity.demands.map((d) => [d.id, d]));
  const named = new Map<string, string>();
  for (const signal of signals)
    if (signal.kind === 'capacity.over_allocated')
      for (const step of signal.chain)
        if (step.kind === 'milestone' && !named.has(step.id)) named.set(step.id, signal.id);
  const resolve = (id: string, seen: Set<string>): string | null => {
    if (seen.has(id)) return null;
    seen.add(id);
    const entry = levelled.get(id);
    if (entry === undefined) return named.get(id) ?? null;
    const cause = entry.cause;
    if (cause.kind === 'over_allocation') return cause.overAllocation;
    if (cause.kind === 'dependency')
      return resolve(cause.predecessor, seen) ?? named.get(id) ?? null;
    const run = runs.get(cause.demand);
    const over =
      run === undefined
        ? undefined
        : state.capacity.overAllocations.find(
            (o) =>
              o.unit === run.unit &&
              o.weeks[0]! <= run.levelledEnd &&
              o.weeks.at(-1)! >= run.plannedStart,
          );
    return over?.id ?? named.get(id) ?? null;
  };
  return (id) => resolve(id, new Set());
}

function causeKind(key: string): IncidentCause['kind'] {
  if (key.startsWith('work_item:')) return 'work_item';
  if (key.startsWith('milestone:')) return 'milestone';
  if (key.startsWith('capacity.')) return 'capacity';
  if (key.startsWith('kpi.')) return 'kpi';
  return 'source';
}

function incidentOf(
  plan: Plan,
  state: DerivedState,
  names: Names,
  index: PlanIndex,
  signals: readonly Signal[],
  keys: readonly string[],
): Incident {
  const milestones = milestoneEffects(index, state, names, signals);
  const kpis = kpiEffects(plan, state, names, signals);
  const capacity = capacityEffects(state, names, signals);
  // Sources first (the sort keeps the order first met within a kind).
  const causes = causesOf(state, names, signals, [...new Set(keys)], milestones).sort(
    (a, b) => CAUSE_RANK[a.kind] - CAUSE_RANK[b.kind],
  );
  const root = causes[0]!;
  const money = moneyOf(plan, state, index, signals, milestones);
  const slipWeeks =
    Math.round((Math.max(0, ...milestones.map((m) => m.slipCalendarDays)) / 7) * 10) / 10;
  const initiatives = new Set<string>();
  for (const m of milestones) {
    const i = index.milestones.get(m.id)?.initiative;
    if (i !== undefined) initiatives.add(i);
  }
  for (const c of capacity) {
    const over = state.capacity.overAllocations.find((o) => o.id === c.signal);
    for (const taker of over?.initiatives ?? []) initiatives.add(taker.id);
  }
  const owners = new Set(signals.flatMap((s) => s.affectedOwners));
  const incident: Incident = {
    id: `incident:${root.key}`,
    headline: '',
    root,
    causes,
    money,
    slipWeeks,
    signals: signals.map((s) => ({
      id: s.id,
      kind: s.kind,
      title: s.title,
      chain: s.chain.map((step) => namedStep(names, step)),
    })),
    effects: {
      milestones,
      kpis,
      objectives: objectiveEffects(names, signals),
      capacity,
      sources: signals
        .filter((s) => s.kind === 'source.stale')
        .map((s) => ({ signal: s.id, text: s.title })),
    },
    initiatives: [...initiatives].sort(),
    units: [...new Set(capacity.map((c) => c.unit))].sort(),
    kpisBelowTarget: kpis.map((k) => `${k.id} ${k.period}`),
    owners: [...owners].sort(),
    reaches: null,
  };
  incident.headline = headlineOf(names, state, incident);
  incident.reaches = reachOf(plan, state, signals, incident);
  return incident;
}

function causesOf(
  state: DerivedState,
  names: Names,
  signals: readonly Signal[],
  keys: readonly string[],
  milestones: readonly MilestoneEffect[],
): IncidentCause[] {
  const steps = signals.flatMap((s) => s.chain);
  return keys.map((key): IncidentCause => {
    const kind = causeKind(key);
    const signal = signals.find((s) => s.id === key);
    if (kind === 'work_item' || kind === 'milestone') {
      const id = key.slice(key.indexOf(':') + 1);
      const step = steps.find((s) => s.kind === kind && s.id === id);
      const effect = milestones.find((m) => m.id === id);
      const text =
        kind === 'milestone' && effect !== undefined
          ? effect.text
          : step === undefined
            ? id
            : namedStep(names, step).text;
      return { key, kind, id, text };
    }
    if (kind === 'capacity') {
      const over = state.capacity.overAllocations.find((o) => o.id === key);
      const first = signal?.chain[0];
      return {
        key,
        kind,
        id: over?.unit ?? key,
        text: first === undefined ? (signal?.title ?? key) : namedStep(names, first).text,
      };
    }
    return { key, kind, id: signal?.subject.id ?? key, text: signal?.title ?? key };
  });
}

function milestoneEffects(
  index: PlanIndex,
  state: DerivedState,
  names: Names,
  signals: readonly Signal[],
): MilestoneEffect[] {
  const ids = new Set<string>();
  const slip = new Map<string, string>();
  for (const signal of signals) {
    if (signal.kind === 'milestone.slipped') {
      ids.add(signal.subject.id);
      slip.set(signal.subject.id, signal.id);
    }
    for (const step of signal.chain) if (step.kind === 'milestone') ids.add(step.id);
  }
  const effects: MilestoneEffect[] = [];
  for (const id of ids) {
    const milestone = index.milestones.get(id);
    if (milestone === undefined) continue;
    const m = state.milestones.get(milestone.id);
    if (m === undefined || m.forecastDate <= m.plannedDate) continue;
    const calendarDays = daysBetween(m.plannedDate, m.forecastDate);
    const bottleneck = m.unconstrainedDate === undefined ? null : bottleneckOf(state, m.id);
    const without =
      m.unconstrainedDate === undefined
        ? ''
        : `; ${m.unconstrainedDate} without ${bottleneck === null ? 'the resource bottleneck' : `${bottleneck}'s bottleneck`}`;
    effects.push({
      id: m.id,
      name: milestone.name,
      signal: slip.get(m.id) ?? null,
      plannedDate: m.plannedDate,
      forecastDate: m.forecastDate,
      slipWorkingDays: m.slipWorkingDays,
      slipCalendarDays: calendarDays,
      unconstrainedDate: m.unconstrainedDate ?? null,
      text: `${names.label('milestone', m.id)}: forecast ${m.forecastDate}, ${days(m.slipWorkingDays, 'working')} (${days(calendarDays, 'calendar')}) after its plan ${m.plannedDate}${without}`,
    });
  }
  // The first to land first, whatever order the plan lists them in.
  return effects.sort(
    (a, b) =>
      (a.forecastDate < b.forecastDate ? -1 : a.forecastDate > b.forecastDate ? 1 : 0) ||
      (a.id < b.id ? -1 : 1),
  );
}

function bottleneckOf(state: DerivedState, id: string): string | null {
  const entry = state.capacity.milestones.find((m) => m.id === id);
  if (entry === undefined) return null;
  if (entry.cause.kind === 'over_allocation') return entry.cause.unit;
  if (entry.cause.kind === 'queue') {
    const demand = entry.cause.demand;
    return state.capacity.demands.find((d) => d.id === demand)?.unit ?? null;
  }
  return bottleneckOf(state, entry.cause.predecessor);
}

/** `15 working days`, `21 calendar days`, `1 working day`. */
export function days(count: number, kind: 'working' | 'calendar'): string {
  return `${formatAmount(count)} ${kind} ${Math.abs(count) === 1 ? 'day' : 'days'}`;
}

function kpiEffects(
  plan: Plan,
  state: DerivedState,
  names: Names,
  signals: readonly Signal[],
): KpiEffect[] {
  const effects: KpiEffect[] = [];
  for (const signal of signals) {
    if (signal.kind !== 'kpi.misses_target') continue;
    const kpi = plan.kpis.find((k) => k.id === signal.subject.id);
    const periodLabel = signal.id.slice(`kpi.misses_target:${signal.subject.id}:`.length);
    const period = state.kpis.get(signal.subject.id)?.periods.find((p) => p.period === periodLabel);
    if (kpi === undefined || period === undefined) continue;
    const unit = kpi.unitOfMeasure;
    const sign = kpi.direction === 'higher_is_better' ? 1 : -1;
    const belowPlan = sign * (period.forecastAtPlan - period.forecast);
    const side = sign > 0 ? 'below' : 'above';
    const target =
      period.target === null
        ? ''
        : ` against a target of ${formatWithUnit(formatAmount(period.target), unit)}`;
    const short =
      period.gap === null
        ? ''
        : `: ${formatWithUnit(formatAmount(-period.gap), unit)} ${side} target`;
    const plan_ =
      formatAmount(belowPlan) === '0'
        ? ''
        : `, ${formatWithUnit(formatAmount(belowPlan), unit)} ${side} plan`;
    effects.push({
      id: kpi.id,
      name: kpi.name,
      period: period.period,
      signal: signal.id,
      unitOfMeasure: unit,
      forecast: period.forecast,
      target: period.target,
      forecastAtPlan: period.forecastAtPlan,
      text: `${names.label('kpi', kpi.id)} ${period.period}: forecast ${formatAmount(period.forecast)}${target}${short}${plan_}`,
    });
  }
  return effects;
}

function objectiveEffects(names: Names, signals: readonly Signal[]): ObjectiveEffect[] {
  const effects: ObjectiveEffect[] = [];
  for (const step of signals.flatMap((s) => s.chain)) {
    const status = step.figures['status'];
    if (step.kind !== 'objective' || typeof status !== 'string') continue;
    if (effects.some((e) => e.id === step.id)) continue;
    effects.push({
      id: step.id,
      name: names.name('objective', step.id),
      status,
      text: namedStep(names, step).text,
    });
  }
  return effects;
}

function capacityEffects(
  state: DerivedState,
  names: Names,
  signals: readonly Signal[],
): CapacityEffect[] {
  return signals
    .filter((s) => s.kind === 'capacity.over_allocated')
    .map((signal) => {
      const over = state.capacity.overAllocations.find((o) => o.id === signal.id);
      const unit = over?.unit ?? signal.subject.id;
      const first: ChainStep | undefined = signal.chain[0];
      return {
        signal: signal.id,
        unit,
        name: names.name('unit', unit),
        weeks: over?.weeks ?? [],
        text: first === undefined ? signal.title : namedStep(names, first).text,
      };
    });
}

/**
 * What the incident puts at stake per KPI period: against target, the shortfall its KPI
 * signals name; against plan, what the benefits of its late milestones bring less than on their
 * planned dates (periods not over yet), the same reckoning as the KPI signal's own.
 */
function moneyOf(
  plan: Plan,
  state: DerivedState,
  index: PlanIndex,
  signals: readonly Signal[],
  milestones: readonly MilestoneEffect[],
): Incident['money'] {
  const currency = plan.organisation.currency;
  const late = new Set(milestones.map((m) => m.id));
  const { planned, amountOf } = index;
  const missedSignals = signals.filter((s) => s.kind === 'kpi.misses_target');
  const missed = new Set(missedSignals.map((s) => s.id));
  // Only KPIs a late milestone accrues to, or a missed target names, can hold money at stake.
  const touched = new Set(missedSignals.map((s) => s.subject.id));
  for (const id of late) for (const kpi of index.kpisOfMilestone.get(id) ?? []) touched.add(kpi);
  const stakes: KpiStake[] = [];
  for (const kpi of plan.kpis) {
    if (!touched.has(kpi.id)) continue;
    const periods = state.kpis.get(kpi.id)?.periods ?? [];
    for (const period of periods) {
      if (period.end < state.asOf) continue;
      const start = dayOf(period.start);
      const end = dayOf(period.end);
      const floor = period.actual === null ? -Infinity : dayOf(state.asOf);
      let againstPlan = 0;
      for (const accrual of period.benefits) {
        const plannedDate = planned.get(accrual.milestone);
        const perWeek = amountOf.get(accrual.benefit);
        if (!late.has(accrual.milestone) || plannedDate === undefined || perWeek === undefined)
          continue;
        const onPlan = accrualDays(start, end, dayOf(plannedDate), floor);
        againstPlan += accruedAmount(onPlan - accrual.days, perWeek);
      }
      const signalled = missed.has(`kpi.misses_target:${kpi.id}:${period.period}`);
      const againstTarget = signalled && period.gap !== null ? Math.max(0, -period.gap) : 0;
      if (againstPlan <= 0 && againstTarget <= 0) continue;
      stakes.push({
        kpi: kpi.id,
        name: kpi.name,
        period: period.period,
        unitOfMeasure: kpi.unitOfMeasure,
        counted: kpi.unitOfMeasure === currency,
        againstTarget,
        againstPlan: Math.max(0, againstPlan),
      });
    }
  }
  const counted = stakes.filter((s) => s.counted);
  return {
    currency,
    againstTarget: counted.reduce((sum, s) => sum + s.againstTarget, 0),
    againstPlan: counted.reduce((sum, s) => sum + s.againstPlan, 0),
    kpis: stakes,
  };
}

/** The causes in a few words: `ERP-17's slip and IT's bottleneck in weeks 41–43`. */
function causeWords(names: Names, state: DerivedState, incident: Incident): string {
  const words = incident.causes.map((cause): string => {
    switch (cause.kind) {
      case 'work_item':
        return `${cause.id}'s slip`;
      case 'milestone':
        return `${names.name('milestone', cause.id)}'s slip`;
      case 'capacity': {
        const over = state.capacity.overAllocations.find((o) => o.id === cause.key);
        return over === undefined
          ? `${cause.id}'s bottleneck`
          : `${over.unit}'s bottleneck in ${weekRange(over.weeks)}`;
      }
      default:
        return cause.text;
    }
  });
  const shown =
    words.length > 3 ? [...words.slice(0, 2), `${words.length - 2} more causes`] : words;
  return listing(shown);
}

function headlineOf(names: Names, state: DerivedState, incident: Incident): string {
  const only = incident.signals.length === 1 ? incident.signals[0]! : null;
  if (only !== null && (only.kind === 'source.stale' || only.kind === 'kpi.misses_target'))
    return only.title;
  const { money } = incident;
  const causes = causeWords(names, state, incident);
  const counted = money.kpis.filter((k) => k.counted);
  const what = listing([...new Set(counted.map((k) => k.name))]);
  const periods = listing([...new Set(counted.map((k) => k.period ?? ''))].filter((p) => p !== ''));
  const plural = incident.causes.length > 1;
  if (money.againstPlan > 0)
    return `${causes} ${plural ? 'put' : 'puts'} ${formatAmount(money.againstPlan)} ${money.currency} of ${what} at risk in ${periods}`;
  if (money.againstTarget > 0)
    return `${causes} ${plural ? 'leave' : 'leaves'} ${what} ${formatAmount(money.againstTarget)} ${money.currency} below target in ${periods}`;
  const late = incident.effects.milestones;
  if (late.length > 0) {
    const most = Math.max(...late.map((m) => m.slipWorkingDays));
    return `${causes} ${plural ? 'move' : 'moves'} ${late.length === 1 ? names.name('milestone', late[0]!.id) : `${late.length} milestones`} up to ${days(most, 'working')} late`;
  }
  return incident.signals[0]!.title;
}

/**
 * Who the incident reaches first: the owner of its root cause (the milestone its source event or
 * its own lateness moves first, the initiative taking most of a bottleneck, the KPI); and whether
 * one of their decision rights covers it: its initiatives and units in scope, its money and
 * weeks of slip within the right's limits, and no KPI below target where the right asks for it.
 */
function reachOf(
  plan: Plan,
  state: DerivedState,
  signals: readonly Signal[],
  incident: Incident,
): IncidentReach | null {
  const root = incident.root;
  let person: string | null = null;
  let as = '';
  const ownerOfMilestone = (id: string): string | null => {
    const m = plan.milestones.find((x) => x.id === id);
    if (m === undefined) return null;
    return m.owner ?? plan.initiatives.find((i) => i.id === m.initiative)?.owner ?? null;
  };
  if (root.kind === 'work_item') {
    const first = signals
      .flatMap((s) => s.chain)
      .find((step, at, all) => at > 0 && step.kind === 'milestone' && all[at - 1]!.id === root.id);
    if (first !== undefined) [person, as] = [ownerOfMilestone(first.id), `owner of ${first.id}`];
  } else if (root.kind === 'milestone') {
    [person, as] = [ownerOfMilestone(root.id), `owner of ${root.id}`];
  } else if (root.kind === 'capacity') {
    const taker = state.capacity.overAllocations.find((o) => o.id === root.key)?.initiatives[0];
    const initiative = plan.initiatives.find((i) => i.id === taker?.id);
    if (initiative !== undefined) [person, as] = [initiative.owner, `owner of ${initiative.id}`];
  } else if (root.kind === 'kpi') {
    const kpi = plan.kpis.find((k) => k.id === root.id);
    if (kpi !== undefined) [person, as] = [kpi.owner, `owner of ${kpi.id}`];
  }
  if (person === null) return null;
  const holder = plan.people.find((p) => p.id === person);
  const amount = Math.round(Math.max(incident.money.againstPlan, incident.money.againstTarget));
  const effect = {
    kinds: [],
    initiatives: incident.initiatives,
    units: incident.units,
    amount,
    slipWeeks: incident.slipWeeks,
    kpisBelowTarget: incident.kpisBelowTarget,
  };
  const rights = (plan.decisionRights ?? []).filter(
    (r: DecisionRight) =>
      r.person === person || (r.role !== undefined && holdsRole(holder, r.role)),
  );
  const reasons: string[] = [];
  let covered = false;
  for (const right of rights) {
    const why = whyNot(plan, right, effect);
    if (why.length === 0) covered = true;
    reasons.push(...why);
  }
  return { person, as, amount, covered, reasons: covered ? [] : reasons };
}
