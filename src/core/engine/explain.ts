import type { IsoDate } from '../domain/plan.ts';
import type {
  DerivedStatus,
  ExplanationStep,
  InitiativeStatus,
  KpiForecast,
  MilestoneDriver,
  MilestoneForecast,
  ObjectiveStatus,
  WorkItemForecast,
} from '../domain/state.ts';
import { dateOf, dateOrNull, dayOf } from './day-numbers.ts';
import { type EngineData, deliveryCode, valueCode } from './engine-data.ts';
import { formatAmount, formatSigned, formatWithUnit, formatWorkingDays } from './format.ts';
import {
  AT_RISK,
  BASIS_DONE_WORK,
  BASIS_NO_WORK,
  BASIS_OPEN_WORK,
  BASIS_UNKNOWN_FINISH,
  OFF_TRACK,
} from './milestone-model.ts';
import { STATUS_OF_CODE, contributorsOf } from './status-model.ts';
import { linkedOf } from './work-model.ts';
import { statusWords } from './status.ts';
import type { WorkingDays } from './working-days.ts';

/**
 * Makes the public, readable form of each derived figure from the engine's numbers: dates as
 * text, statuses with their reasons, and the explanation — the chain of facts and rules that
 * produced the figure: which work item, which link and lag, which calendar days, which benefit.
 * Nothing here is computed before someone reads it.
 */

/** Explanations list at most this many similar facts (links, milestones), then say how many more. */
const LIST_LIMIT = 12;

const ON_PLAN: DerivedStatus = Object.freeze({
  status: 'on_track',
  rule: 'milestone.on_plan',
  reason: 'forecast on or before its plan',
});

// ---------------------------------------------------------------------------------------------
// Work items

/** A work item's forecast finish and why. */
export function readWorkItem(data: EngineData, slot: number): WorkItemForecast {
  const { work, asOf } = data;
  const item = work.items[slot]!;
  const open = work.open[slot] !== 0;
  const forecastFinish = dateOrNull(work.finish[slot]!);
  const explanation: ExplanationStep[] = [ownFinishStep(open, item, asOf)];
  const blocker = work.pushedBy[slot]!;
  if (blocker >= 0) {
    const blockerKey = work.items[blocker]!.key;
    explanation.push({
      rule: 'work_item.blocked_by',
      text: `${item.key} cannot finish before its blocker ${blockerKey} (${forecastFinish ?? 'unknown'})`,
      ref: { kind: 'work_item', id: blockerKey },
      figures: { blocker: blockerKey, forecastFinish: forecastFinish ?? 'unknown' },
    });
  }
  for (const other of work.broken.get(slot) ?? []) {
    const otherKey = work.items[other]!.key;
    explanation.push({
      rule: 'work_item.blocks_cycle',
      text: `${item.key} and ${otherKey} block each other in a cycle; the link from ${otherKey} was ignored`,
      ref: { kind: 'work_item', id: otherKey },
    });
  }
  return { key: item.key, open, forecastFinish, explanation };
}

function ownFinishStep(
  open: boolean,
  item: { dueDate: IsoDate | null; doneDate: IsoDate | null },
  asOf: IsoDate,
): ExplanationStep {
  if (!open) {
    return item.doneDate === null
      ? { rule: 'work_item.done', text: 'Done; the source gives no done date' }
      : {
          rule: 'work_item.done',
          text: `Done on ${item.doneDate}`,
          figures: { doneDate: item.doneDate },
        };
  }
  if (item.dueDate === null) {
    return { rule: 'work_item.no_due_date', text: 'No due date: its finish is unknown' };
  }
  if (item.dueDate < asOf) {
    return {
      rule: 'work_item.overdue',
      text: `Was due ${item.dueDate} and is not done: it cannot finish before ${asOf}`,
      figures: { dueDate: item.dueDate, asOf },
    };
  }
  return {
    rule: 'work_item.due_date',
    text: `Due ${item.dueDate}`,
    figures: { dueDate: item.dueDate },
  };
}

// ---------------------------------------------------------------------------------------------
// Milestones

/** A milestone's status and the rule that decided it. */
export function milestoneStatus(data: EngineData, m: number): DerivedStatus {
  const { plan, milestones, work } = data;
  const code = milestones.status[m]!;
  if (code === OFF_TRACK) {
    return {
      status: 'off_track',
      rule: 'milestone.forecast_after_plan',
      reason: `forecast ${dateOf(milestones.forecast[m]!)} passed its plan ${plan.milestones[m]!.plannedDate} by ${formatWorkingDays(milestones.slip[m]!)}`,
    };
  }
  if (code === AT_RISK) {
    const first = work.items[milestones.firstUnknown[m]!]!.key;
    const more = milestones.unknownCount[m]! - 1;
    return {
      status: 'at_risk',
      rule: 'milestone.work_finish_unknown',
      reason: `${first}${more > 0 ? ` and ${more} more open work items have` : ' has'} no due date: the finish of its work is unknown`,
    };
  }
  return ON_PLAN;
}

function milestoneDriver(data: EngineData, m: number): MilestoneDriver {
  const { plan, milestones, work } = data;
  const d = milestones.driverDep[m]!;
  if (d >= 0) {
    const dependency = plan.dependencies[d]!;
    return {
      kind: 'dependency',
      predecessor: dependency.predecessor,
      type: dependency.type,
      lagDays: dependency.lagDays,
    };
  }
  const slot = milestones.basisSlot[m]!;
  return slot >= 0 ? { kind: 'work_item', key: work.items[slot]!.key } : { kind: 'plan' };
}

function calendarName(calendar: WorkingDays): string {
  return calendar.calendar.name === calendar.calendar.id
    ? calendar.calendar.id
    : `${calendar.calendar.id} (${calendar.calendar.name})`;
}

/** Non-working days are named one by one up to this many, then counted. */
const DAYS_NAMED = 6;

/** The days strictly between two days that the calendar does not work, as words and figures. */
function closedDays(
  calendar: WorkingDays,
  from: number,
  to: number,
): { text: string; weekend: number; holidays: IsoDate[] } {
  const low = Math.min(from, to);
  const high = Math.max(from, to);
  let weekend = 0;
  const holidays: IsoDate[] = [];
  const named: string[] = [];
  for (let day = low + 1; day < high; day += 1) {
    const why = calendar.closedBecause(day);
    if (why === null) continue;
    if (why === 'weekend') weekend += 1;
    else holidays.push(dateOf(day));
    named.push(`${dateOf(day)} (${why})`);
  }
  let text = '';
  if (named.length > 0 && named.length <= DAYS_NAMED) {
    text = `not worked: ${named.join(', ')}`;
  } else if (named.length > 0) {
    const parts: string[] = [];
    if (weekend > 0) parts.push(`${weekend} weekend days`);
    if (holidays.length > 0) {
      parts.push(`holiday${holidays.length === 1 ? '' : 's'} ${holidays.join(', ')}`);
    }
    text = `not worked: ${parts.join(' and ')}`;
  }
  return { text, weekend, holidays };
}

function basisStep(data: EngineData, m: number): ExplanationStep {
  const { plan, milestones, work } = data;
  const milestone = plan.milestones[m]!;
  const kind = milestones.basisKind[m]!;
  const date = dateOf(milestones.basisDay[m]!);
  const linked = milestones.linkedCount[m]!;
  const openCount = milestones.openCount[m]!;
  if (kind === BASIS_OPEN_WORK) {
    const key = work.items[milestones.basisSlot[m]!]!.key;
    const finish = dateOf(milestones.basisItemDay[m]!);
    return {
      rule: 'milestone.after_latest_work',
      text: `${key}, the latest of ${openCount} open work ${openCount === 1 ? 'item' : 'items'}, is forecast to finish ${finish}: ${milestone.id} lands the next working day, ${date}`,
      ref: { kind: 'work_item', id: key },
      figures: { workItem: key, workFinish: finish, openItems: openCount, date },
    };
  }
  if (kind === BASIS_DONE_WORK) {
    const key = work.items[milestones.basisSlot[m]!]!.key;
    const done = dateOf(milestones.basisItemDay[m]!);
    return {
      rule: 'milestone.after_work_done',
      text: `All ${linked} linked work ${linked === 1 ? 'item is' : 'items are'} done, the last (${key}) on ${done}: ${milestone.id} lands the next working day, ${date}`,
      ref: { kind: 'work_item', id: key },
      figures: { workItem: key, doneDate: done, linkedItems: linked, date },
    };
  }
  let why: string;
  if (kind === BASIS_NO_WORK) why = `${milestone.id} has no linked work`;
  else if (kind === BASIS_UNKNOWN_FINISH)
    why = `the finish of ${milestone.id}'s open work is unknown`;
  else why = `${milestone.id}'s work is done but the source gives no done dates`;
  return {
    rule: 'milestone.planned_date',
    text: `${why}: it is forecast at its planned date, ${milestone.plannedDate}`,
    figures: { plannedDate: milestone.plannedDate, linkedItems: linked },
  };
}

/** The driving work item as the source holds it: name, status, dates, what held it back. */
function workItemFact(data: EngineData, m: number): ExplanationStep | null {
  const { milestones, work, asOf } = data;
  const slot = milestones.basisSlot[m]!;
  if (slot < 0) return null;
  const item = work.items[slot]!;
  const named = `${item.key} \u201c${item.summary}\u201d (${item.status})`;
  if (work.open[slot] === 0) {
    return {
      rule: 'milestone.driving_work_item',
      text: `${named} was done on ${item.doneDate ?? 'an unknown date'}`,
      ref: { kind: 'work_item', id: item.key },
      figures: { workItem: item.key, status: item.status, doneDate: item.doneDate ?? 'unknown' },
    };
  }
  const finish = dateOf(work.finish[slot]!);
  const blocker = work.pushedBy[slot]!;
  let text: string;
  if (blocker >= 0) {
    const due = item.dueDate === null ? 'has no due date' : `is due ${item.dueDate}`;
    text = `${named} ${due} but cannot finish before its blocker ${work.items[blocker]!.key}, forecast ${finish}`;
  } else if (item.dueDate !== null && item.dueDate < asOf) {
    text = `${named} was due ${item.dueDate} and is not done: as of ${asOf} it cannot finish before ${finish}`;
  } else {
    text = `${named} is due ${finish}`;
  }
  return {
    rule: 'milestone.driving_work_item',
    text,
    ref: { kind: 'work_item', id: item.key },
    figures: {
      workItem: item.key,
      status: item.status,
      dueDate: item.dueDate ?? 'none',
      forecastFinish: finish,
      ...(blocker >= 0 ? { blocker: work.items[blocker]!.key } : {}),
    },
  };
}

/** The work linked to a milestone, as the source holds it. */
function linkedWorkStep(data: EngineData, m: number): ExplanationStep | null {
  const { work } = data;
  const linked = linkedOf(work, m);
  if (linked.length === 0) return null;
  const parts: string[] = [];
  for (let k = 0; k < linked.length && k < LIST_LIMIT; k += 1) {
    const slot = linked[k]!;
    const item = work.items[slot]!;
    if (work.open[slot] === 0) {
      parts.push(`${item.key} done ${item.doneDate ?? 'on an unknown date'}`);
      continue;
    }
    const due = item.dueDate === null ? 'no due date' : `due ${item.dueDate}`;
    const finish = dateOrNull(work.finish[slot]!);
    parts.push(
      `${item.key} ${item.status.toLowerCase()}, ${due}${finish !== null && finish !== item.dueDate ? `, forecast ${finish}` : ''}`,
    );
  }
  const more = linked.length > LIST_LIMIT ? `; \u2026 and ${linked.length - LIST_LIMIT} more` : '';
  return {
    rule: 'milestone.linked_work',
    text: `Linked work (${linked.length}): ${parts.join('; ')}${more}`,
    figures: { linkedItems: linked.length, openItems: data.milestones.openCount[m]! },
  };
}

function nextWorkingDayStep(data: EngineData, m: number): ExplanationStep | null {
  const { plan, milestones } = data;
  const kind = milestones.basisKind[m]!;
  if (kind !== BASIS_OPEN_WORK && kind !== BASIS_DONE_WORK) return null;
  const calendar = plan.calendarOf[m]!;
  const after = milestones.basisItemDay[m]!;
  const next = milestones.basisDay[m]!;
  const closed = closedDays(calendar, after, next);
  return {
    rule: 'milestone.calendar_next_working_day',
    text: `Calendar ${calendarName(calendar)}: the next working day after ${dateOf(after)} is ${dateOf(next)}${closed.text === '' ? '' : `; ${closed.text}`}`,
    figures: {
      calendar: calendar.calendar.id,
      after: dateOf(after),
      nextWorkingDay: dateOf(next),
      weekendDays: closed.weekend,
      holidays: closed.holidays.join(','),
    },
  };
}

const LINK_WORDS: Readonly<Record<string, string>> = {
  FS: 'finish-to-start',
  SS: 'start-to-start',
  FF: 'finish-to-finish',
  SF: 'start-to-finish',
};

function dependencySteps(data: EngineData, m: number): ExplanationStep[] {
  const { plan, milestones } = data;
  const steps: ExplanationStep[] = [];
  const calendar = plan.calendarOf[m]!;
  const forecast = milestones.forecast[m]!;
  const driver = milestones.driverDep[m]!;
  const cycle = milestones.cycleNotes.get(m);
  const { start, list } = plan.incoming;
  let others = 0;
  for (let at = start[m]!; at < start[m + 1]!; at += 1) {
    const d = list[at]!;
    const dependency = plan.dependencies[d]!;
    if (cycle?.includes(d) === true) {
      steps.push({
        rule: 'milestone.dependency_cycle',
        text: `${dependency.predecessor} and ${dependency.successor} sit on a dependency cycle; the link from ${dependency.predecessor} was ignored`,
        ref: { kind: 'milestone', id: dependency.predecessor },
      });
      continue;
    }
    if (d === driver) continue;
    others += 1;
    if (others > LIST_LIMIT) continue;
    const from = milestones.forecast[plan.depFrom[d]!]!;
    const required = calendar.add(from, dependency.lagDays);
    steps.push({
      rule: 'milestone.dependency_not_driving',
      text: `${dependency.predecessor} \u2192 ${dependency.successor} (${LINK_WORDS[dependency.type] ?? dependency.type}, lag ${formatWorkingDays(dependency.lagDays, true)}): ${dependency.predecessor} is forecast ${dateOf(from)}, which requires ${dateOf(required)}; it does not push ${dependency.successor} (${required > forecast ? 'later' : 'not later'} than ${dateOf(forecast)})`,
      ref: { kind: 'milestone', id: dependency.predecessor },
      figures: {
        predecessor: dependency.predecessor,
        type: dependency.type,
        lagDays: dependency.lagDays,
        predecessorForecast: dateOf(from),
        required: dateOf(required),
      },
    });
  }
  if (others > LIST_LIMIT) {
    steps.push({
      rule: 'milestone.dependency_not_driving',
      text: `\u2026 and ${others - LIST_LIMIT} more dependencies that do not push it`,
    });
  }
  if (driver >= 0) {
    const dependency = plan.dependencies[driver]!;
    const from = milestones.driverFromDay[m]!;
    // What the link alone requires: the bottleneck may hold the milestone later still.
    const landing = calendar.add(from, dependency.lagDays);
    const closed = closedDays(calendar, calendar.onOrAfter(from), landing);
    steps.push({
      rule: 'milestone.dependency',
      text: `${dependency.predecessor} is forecast ${dateOf(from)}; ${dependency.type} with a lag of ${formatWorkingDays(dependency.lagDays, true)}, so ${dependency.successor} cannot land before ${dateOf(landing)}`,
      ref: { kind: 'milestone', id: dependency.predecessor },
      figures: {
        predecessor: dependency.predecessor,
        type: dependency.type,
        lagDays: dependency.lagDays,
        predecessorForecast: dateOf(from),
        date: dateOf(landing),
      },
    });
    steps.push({
      rule: 'milestone.calendar_lag',
      text: `The link ${dependency.predecessor} \u2192 ${dependency.successor} is ${LINK_WORDS[dependency.type] ?? dependency.type}; its lag counts ${formatWorkingDays(dependency.lagDays)} on calendar ${calendarName(calendar)} from ${dateOf(calendar.onOrAfter(from))}, landing on ${dateOf(landing)}${closed.text === '' ? '' : `; ${closed.text}`}`,
      figures: {
        calendar: calendar.calendar.id,
        from: dateOf(calendar.onOrAfter(from)),
        lagDays: dependency.lagDays,
        date: dateOf(landing),
        weekendDays: closed.weekend,
        holidays: closed.holidays.join(','),
      },
    });
  }
  return steps;
}

function slipStep(data: EngineData, m: number): ExplanationStep {
  const { plan, milestones } = data;
  const calendar = plan.calendarOf[m]!;
  const planned = plan.plannedDay[m]!;
  const forecast = milestones.forecast[m]!;
  const slip = milestones.slip[m]!;
  const closed = closedDays(calendar, planned, forecast);
  const direction = slip === 0 ? 'on its plan' : slip > 0 ? 'after its plan' : 'before its plan';
  return {
    rule: 'milestone.slip',
    text: `Forecast ${dateOf(forecast)} against plan ${dateOf(planned)}: ${formatWorkingDays(slip, true)} on calendar ${calendarName(calendar)}, ${direction}${closed.text === '' ? '' : `; ${closed.text}`}`,
    figures: {
      plannedDate: dateOf(planned),
      forecastDate: dateOf(forecast),
      slipWorkingDays: slip,
      calendar: calendar.calendar.id,
    },
  };
}

function benefitSteps(data: EngineData, m: number): ExplanationStep[] {
  const { plan } = data;
  const milestone = plan.milestones[m]!;
  return (plan.index.benefitsByMilestone.get(milestone.id) ?? []).map((benefit) => {
    const kpi = plan.index.kpis.get(benefit.kpi);
    const unit = kpi?.unitOfMeasure ?? '';
    return {
      rule: 'milestone.benefit',
      text: `From ${milestone.id}'s completion, benefit ${benefit.id} moves ${benefit.kpi} by ${formatWithUnit(formatAmount(benefit.amountPerWeek), unit)} a week${benefit.description === undefined ? '' : ` (${benefit.description})`}`,
      ref: { kind: 'kpi', id: benefit.kpi },
      figures: { benefit: benefit.id, kpi: benefit.kpi, amountPerWeek: benefit.amountPerWeek },
    };
  });
}

function probabilisticStep(data: EngineData, m: number): ExplanationStep | null {
  const forecast = data.probabilistic?.forecasts[m];
  if (forecast === undefined) return null;
  if ('insufficient' in forecast) {
    const thin = forecast.insufficient;
    return {
      rule: 'milestone.probabilistic_insufficient_history',
      text: `No probabilistic forecast: team ${thin.team} has ${thin.completed} completed work ${thin.completed === 1 ? 'item' : 'items'} in its history (${thin.needed} needed)${thin.milestone === data.plan.milestones[m]!.id ? '' : `, and ${thin.milestone} upstream waits on it`}`,
      figures: { team: thin.team, completed: thin.completed, needed: thin.needed },
    };
  }
  return {
    rule: 'milestone.probabilistic',
    text: `Monte Carlo over ${forecast.samples} seeded trials of the teams' history (${forecast.basis.teams.map((team) => `${team.team}: ${team.completed} done, ${team.weeks} weeks`).join('; ') || 'no open work'}): P50 ${forecast.p50}, P85 ${forecast.p85}, P95 ${forecast.p95}`,
    figures: { p50: forecast.p50, p85: forecast.p85, p95: forecast.p95, samples: forecast.samples },
  };
}

/**
 * The step saying the resource bottleneck holds the forecast later than work and dependencies
 * give, with the date without it; null when it does not.
 */
function capacityStep(data: EngineData, m: number): ExplanationStep | null {
  const { plan, milestones } = data;
  const forecast = milestones.forecast[m]!;
  const free = milestones.unconstrained[m]!;
  if (forecast === free) return null;
  const workingDays = plan.calendarOf[m]!.between(free, forecast);
  return {
    rule: 'milestone.capacity',
    text: `Levelled within its units' capacity, ${plan.milestones[m]!.id} is forecast ${dateOf(forecast)}, ${formatWorkingDays(workingDays, true)}; ${dateOf(free)} without the resource bottleneck`,
    figures: {
      forecastDate: dateOf(forecast),
      unconstrainedDate: dateOf(free),
      workingDays,
    },
  };
}

/** A milestone's forecast, slip, status, driver and the facts behind them. */
export function readMilestone(data: EngineData, m: number): MilestoneForecast {
  const { plan, milestones } = data;
  const milestone = plan.milestones[m]!;
  const status = milestoneStatus(data, m);
  const explanation: ExplanationStep[] = [basisStep(data, m)];
  const fact = workItemFact(data, m);
  if (fact !== null) explanation.push(fact);
  const linked = linkedWorkStep(data, m);
  if (linked !== null) explanation.push(linked);
  const next = nextWorkingDayStep(data, m);
  if (next !== null) explanation.push(next);
  explanation.push(...dependencySteps(data, m));
  const held = capacityStep(data, m);
  if (held !== null) explanation.push(held);
  explanation.push(slipStep(data, m));
  explanation.push({
    rule: status.rule,
    text: `Status ${statusWords(status.status)}: ${status.reason}`,
  });
  explanation.push(...benefitSteps(data, m));
  const probabilistic = data.probabilistic?.forecasts[m];
  const chance = probabilisticStep(data, m);
  if (chance !== null) explanation.push(chance);
  const forecast: MilestoneForecast = {
    id: milestone.id,
    plannedDate: milestone.plannedDate,
    forecastDate: dateOf(milestones.forecast[m]!),
    ...(milestones.unconstrained[m] === milestones.forecast[m]
      ? {}
      : { unconstrainedDate: dateOf(milestones.unconstrained[m]!) }),
    slipWorkingDays: milestones.slip[m]!,
    complete: milestones.linkedCount[m]! > 0 && milestones.openCount[m] === 0,
    driver: milestoneDriver(data, m),
    status,
    explanation,
  };
  if (probabilistic !== undefined) forecast.probabilistic = probabilistic;
  return forecast;
}

// ---------------------------------------------------------------------------------------------
// KPIs

/** A KPI's forecast per period, its status, and the facts behind them. */
export function readKpi(data: EngineData, k: number): KpiForecast {
  const { plan, milestones } = data;
  const core = data.kpis[k]!;
  const kpi = core.kpi;
  const unit = kpi.unitOfMeasure;
  const explanation: ExplanationStep[] = core.unknownPeriods.map((label) => ({
    rule: 'kpi.unknown_period',
    text: `${kpi.id}: ${label} is not a reporting period; it was skipped`,
  }));
  const sign = kpi.direction === 'higher_is_better' ? 1 : -1;
  for (const period of core.periods) {
    const base = period.actual ?? kpi.baseline;
    const startsFrom =
      period.actual === null ? `baseline ${formatAmount(base)}` : `actual ${formatAmount(base)}`;
    const accrued = sign * (period.forecast - base);
    const benefitText =
      period.benefits.length === 0
        ? ''
        : ` ${sign > 0 ? '+' : '\u2212'} ${formatAmount(accrued)} from ${period.benefits.length} ${period.benefits.length === 1 ? 'benefit' : 'benefits'}`;
    explanation.push({
      rule: 'kpi.period_forecast',
      text: `${kpi.id} ${period.period}: ${startsFrom}${benefitText} = ${formatWithUnit(formatAmount(period.forecast), unit)}`,
      figures: { period: period.period, base, forecast: period.forecast },
    });
    const endDay = dayOf(period.end);
    for (const accrual of period.benefits) {
      const m = plan.milestoneAt.get(accrual.milestone)!;
      const benefit = plan.index.benefits.get(accrual.benefit)!;
      const forecastDay = milestones.forecast[m]!;
      const landed = `${accrual.milestone} (forecast ${dateOf(forecastDay)})`;
      let text: string;
      if (accrual.days > 0) {
        text = `Benefit ${accrual.benefit} from ${landed}: ${accrual.days} days of ${period.period} from ${accrual.from} to ${period.end} \u00d7 ${formatAmount(benefit.amountPerWeek)} a week / 7 = ${formatWithUnit(formatAmount(accrual.amount), unit)}`;
      } else {
        const why =
          forecastDay > endDay
            ? `it lands after ${period.period} ends`
            : `the actual of ${period.period} already covers the days before ${data.asOf}`;
        text = `Benefit ${accrual.benefit} from ${landed} counts no day of ${period.period}: ${why}`;
      }
      explanation.push({
        rule: 'kpi.benefit_accrual',
        text,
        ref: { kind: 'milestone', id: accrual.milestone },
        figures: {
          benefit: accrual.benefit,
          milestone: accrual.milestone,
          forecastDate: dateOf(forecastDay),
          from: accrual.from ?? 'none',
          days: accrual.days,
          amountPerWeek: benefit.amountPerWeek,
          amount: accrual.amount,
        },
      });
    }
    if (period.forecastAtPlan !== period.forecast) {
      explanation.push({
        rule: 'kpi.slip_cost',
        text: `Had every milestone landed on plan, ${kpi.id} ${period.period} would be ${formatWithUnit(formatAmount(period.forecastAtPlan), unit)}: the slips move it ${formatWithUnit(formatSigned(period.forecast - period.forecastAtPlan), unit)}`,
        figures: {
          forecastAtPlan: period.forecastAtPlan,
          delta: period.forecast - period.forecastAtPlan,
        },
      });
    }
    explanation.push({
      rule: period.status.rule,
      text: `${period.period} ${statusWords(period.status.status)}: ${period.status.reason}`,
    });
  }
  explanation.push({
    rule: core.status.rule,
    text: `${kpi.id} is ${statusWords(core.status.status)}: ${core.status.reason}`,
  });
  return { id: kpi.id, periods: core.periods, status: core.status, explanation };
}

// ---------------------------------------------------------------------------------------------
// Initiatives

/** Delivery: the status of the initiative's worst milestone. */
export function deliveryStatus(data: EngineData, i: number): DerivedStatus {
  const worst = data.initiatives.worstMilestone[i]!;
  const id = data.plan.plan.initiatives[i]!.id;
  if (worst < 0) {
    return {
      status: 'on_track',
      rule: 'initiative.no_milestones',
      reason: `${id} has no milestones to be late`,
    };
  }
  const status = milestoneStatus(data, worst);
  return {
    status: status.status,
    rule: `initiative.delivery_${status.status}`,
    reason: `${data.plan.milestones[worst]!.id} is ${statusWords(status.status)}: ${status.reason}`,
  };
}

/**
 * Value: the status of the worst KPI fed by the initiative's benefits, or by the benefits of the
 * milestones its late milestones hold up.
 */
export function valueStatus(data: EngineData, i: number): DerivedStatus {
  const worst = data.initiatives.worstKpi[i]!;
  const id = data.plan.plan.initiatives[i]!.id;
  if (worst < 0) {
    return {
      status: 'on_track',
      rule: 'initiative.no_benefits',
      reason: `no benefit of ${id} feeds a KPI`,
    };
  }
  const core = data.kpis[worst]!;
  const via = data.initiatives.worstVia[i]!;
  return {
    status: core.status.status,
    rule: `initiative.value_${core.status.status}`,
    reason: `${heldUpText(data, via)}${core.kpi.id} is ${statusWords(core.status.status)}: ${core.status.reason}`,
  };
}

/** "M-PURCH waits on the late M-GOLIVE and feeds K-SAVINGS; " (empty for its own benefits). */
function heldUpText(data: EngineData, via: number): string {
  if (via < 0) return '';
  const { plan, milestones } = data;
  const root = plan.milestones[milestones.root[via]!]!.id;
  return `${plan.milestones[via]!.id} waits on the late ${root}; `;
}

/** An initiative's delivery and value statuses and what decided them. */
export function readInitiative(data: EngineData, i: number): InitiativeStatus {
  const { plan, milestones, initiatives } = data;
  const initiative = plan.plan.initiatives[i]!;
  const delivery = deliveryStatus(data, i);
  const value = valueStatus(data, i);
  const explanation: ExplanationStep[] = [];
  const worst = initiatives.worstMilestone[i]!;
  if (worst >= 0) {
    explanation.push({
      rule: 'initiative.delivery_decided_by',
      text: `Delivery follows its worst milestone, ${plan.milestones[worst]!.id} (${statusWords(delivery.status)})`,
      ref: { kind: 'milestone', id: plan.milestones[worst]!.id },
    });
  }
  const worstKpi = initiatives.worstKpi[i]!;
  if (worstKpi >= 0) {
    explanation.push({
      rule: 'initiative.value_decided_by',
      text:
        initiatives.worstVia[i]! < 0
          ? `Value follows the worst KPI its benefits feed, ${data.kpis[worstKpi]!.kpi.id} (${statusWords(value.status)})`
          : `Value follows the worst KPI fed by its benefits or by milestones its late milestones hold up, ${data.kpis[worstKpi]!.kpi.id} (${statusWords(value.status)}), fed by ${plan.milestones[initiatives.worstVia[i]!]!.id}`,
      ref: { kind: 'kpi', id: data.kpis[worstKpi]!.kpi.id },
    });
  }
  explanation.push({
    rule: delivery.rule,
    text: `Delivery ${statusWords(delivery.status)}: ${delivery.reason}`,
  });
  explanation.push({
    rule: value.rule,
    text: `Value ${statusWords(value.status)}: ${value.reason}`,
  });
  const rows = plan.milestonesOfInitiative;
  const count = rows.start[i + 1]! - rows.start[i]!;
  for (
    let at = rows.start[i]!;
    at < rows.start[i + 1]! && at - rows.start[i]! < LIST_LIMIT;
    at += 1
  ) {
    const m = rows.list[at]!;
    const milestone = plan.milestones[m]!;
    const words = STATUS_OF_CODE[milestones.status[m]!]!;
    explanation.push({
      rule: 'initiative.milestone',
      text: `${milestone.id} forecast ${dateOf(milestones.forecast[m]!)} (plan ${milestone.plannedDate}, ${formatWorkingDays(milestones.slip[m]!, true)}): ${statusWords(words)}`,
      ref: { kind: 'milestone', id: milestone.id },
    });
    for (const benefit of plan.index.benefitsByMilestone.get(milestone.id) ?? []) {
      explanation.push({
        rule: 'initiative.benefit',
        text: `Benefit ${benefit.id}: from ${milestone.id}, ${benefit.kpi} moves by ${formatAmount(benefit.amountPerWeek)} a week`,
        ref: { kind: 'kpi', id: benefit.kpi },
      });
    }
  }
  if (count > LIST_LIMIT) {
    explanation.push({
      rule: 'initiative.milestone',
      text: `\u2026 and ${count - LIST_LIMIT} more milestones of ${initiative.id}`,
    });
  }
  return { id: initiative.id, delivery, value, explanation };
}

// ---------------------------------------------------------------------------------------------
// Objectives

/** An objective's status and the contributors that are not on track. */
export function readObjective(data: EngineData, o: number): ObjectiveStatus {
  const { plan } = data;
  const objective = plan.plan.objectives[o]!;
  const core = data.objectives[o]!;
  const explanation: ExplanationStep[] = core.cycleChildren.map((child) => ({
    rule: 'objective.parent_cycle',
    text: `${child} and ${objective.id} sit on a cycle of parents; ${child} was not counted`,
    ref: { kind: 'objective', id: child },
  }));
  const cycle = new Set(core.cycleChildren);
  const { contributors } = contributorsOf(
    plan,
    data.objectiveGraph,
    o,
    {
      kpiStatus: (k) => data.kpis[k]!.status,
      deliveryCode: (i) => deliveryCode(data, i),
      valueCode: (i) => valueCode(data, i),
      delivery: (i) => deliveryStatus(data, i),
      value: (i) => valueStatus(data, i),
    },
    (child) =>
      cycle.has(plan.plan.objectives[child]!.id) ? undefined : data.objectives[child]?.status,
  );
  for (const contributor of contributors) {
    explanation.push({
      rule: 'objective.contributor_not_on_track',
      text: `${contributor.label} is ${statusWords(STATUS_OF_CODE[contributor.code]!)}`,
      ref: { kind: contributor.kind, id: contributor.id },
    });
  }
  explanation.push({
    rule: core.status.rule,
    text: `${objective.id} is ${statusWords(core.status.status)}: ${core.status.reason}`,
  });
  return { id: objective.id, status: core.status, explanation };
}
