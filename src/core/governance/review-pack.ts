import type { Decision } from '../decisions/decision.ts';
import type { Initiative, IsoDate, Plan, Review } from '../domain/plan.ts';
import type { DerivedState, EntityKind, Signal, SignalKind } from '../domain/state.ts';
import { formatAmount, formatSigned, formatWithUnit } from '../engine/format.ts';
import type { Incident } from '../incidents/incident.ts';
import { clearedFor } from '../access/policy.ts';
import { parsePeriod } from '../period.ts';
import { cadenceText, type ReviewOccurrence } from './review-schedule.ts';

/**
 * A review pack (docs/GOVERNANCE.md "Review cadence and packs"): what a review meeting reads,
 * assembled from the data with nobody typing. It is a list of sections, each a title, a summary
 * and rows (a sentence, the item it is about, its figures), so that every part of governance
 * (gates, periods, validated value …) plugs in a section of its own. The pack also keeps the
 * figures it compared (`basis`), so that the next pack can say what moved since this one.
 *
 * Confidentiality: a pack is built only from what every attendee may see — a confidential
 * initiative not every attendee is cleared for is left out with all that only it reaches — and
 * lists the confidential initiatives it does show, which a reader must be cleared for too.
 */

export interface PackRow {
  text: string;
  ref?: { kind: EntityKind | 'decision' | 'signal' | 'incident'; id: string };
  figures?: Record<string, number | string>;
}

export interface PackSection {
  /** A stable id: `decisions_to_take`, `forecasts_moved` … */
  id: string;
  title: string;
  /** One sentence: how many, how much. */
  summary: string;
  rows: PackRow[];
}

/** The figures a pack compared, for the next pack to compare against. */
export interface PackBasis {
  milestones: Record<string, IsoDate>;
  /** KPI id → its current period's forecast. */
  kpis: Record<string, { period: string; forecast: number }>;
}

export interface ReviewPackContent {
  review: { id: string; name: string; cadence: string; attendees: { id: string; name: string }[] };
  occurrence: ReviewOccurrence;
  /** The day the engine's figures are for. */
  asOf: IsoDate;
  /** The meeting the previous pack was for (null: the first pack; changes are against the plan). */
  since: { date: IsoDate; publishedAt: string } | null;
  currency: string;
  /** The key facts, one sentence each, the most money first. */
  headline: string[];
  sections: PackSection[];
  /** Confidential initiatives the pack shows (every attendee is cleared for them). */
  confidential: string[];
  /** Confidential initiatives left out, counted only (their names are not shown). */
  withheld: number;
  basis: PackBasis;
}

/** A signal's step in the signal history since the last review. */
export interface SignalEvent {
  signal: string;
  kind: SignalKind;
  title: string;
  action: 'raised' | 'changed' | 'resolved';
  at: string;
  subject: { kind: EntityKind; id: string };
  chain: { kind: EntityKind; id: string }[];
}

export interface PackInput {
  review: Review;
  plan: Plan;
  state: DerivedState;
  occurrence: ReviewOccurrence;
  previous: { content: ReviewPackContent; publishedAt: string } | null;
  /** Signal history since the previous pack (or all of it for the first). */
  signalEvents: readonly SignalEvent[];
  /** Every decision (open and decided). */
  decisions: readonly Decision[];
  /** The current incidents. */
  incidents: readonly Incident[];
  /** Sections other parts of governance add (gates passed, periods closed …), already filtered. */
  extraSections?: readonly PackSection[];
}

/** What the pack may show: the initiatives in scope every attendee is cleared for. */
export interface PackReach {
  initiatives: Set<string>;
  milestones: Set<string>;
  kpis: Set<string>;
  objectives: Set<string>;
  units: Set<string>;
  confidential: string[];
  withheld: number;
  /** Whether an item a chain or a signal names is one the pack may show. */
  shows: (ref: { kind: string; id: string }) => boolean;
}

/** The initiatives, milestones, KPIs and objectives a review's pack covers and may show. */
export function packReach(plan: Plan, review: Review): PackReach {
  const people = new Map(plan.people.map((p) => [p.id, p]));
  const attendees = review.attendees.map((a) => people.get(a) ?? null);
  const barred = new Set(
    plan.initiatives
      .filter((i) => !attendees.every((person) => clearedFor(plan, person, i)))
      .map((i) => i.id),
  );
  const scoped = scopeOf(plan, review);
  const initiatives = new Set(
    plan.initiatives.filter((i) => scoped(i) && !barred.has(i.id)).map((i) => i.id),
  );
  const milestones = new Set(
    plan.milestones.filter((m) => initiatives.has(m.initiative)).map((m) => m.id),
  );
  const kpis = new Set<string>();
  for (const b of plan.benefits) if (milestones.has(b.milestone)) kpis.add(b.kpi);
  const objectives = new Set<string>();
  for (const i of plan.initiatives)
    if (initiatives.has(i.id)) for (const o of i.objectives) objectives.add(o);
  for (const o of review.scope?.objectives ?? []) objectives.add(o);
  // A KPI that only barred initiatives prove stays out; one measuring a covered objective is in.
  const provedOnlyByBarred = new Set<string>();
  for (const k of plan.kpis) {
    const provers = plan.benefits
      .filter((b) => b.kpi === k.id)
      .map((b) => plan.milestones.find((m) => m.id === b.milestone)?.initiative);
    if (provers.length > 0 && provers.every((i) => i !== undefined && barred.has(i)))
      provedOnlyByBarred.add(k.id);
  }
  const whole = review.scope === undefined;
  for (const k of plan.kpis)
    if (!provedOnlyByBarred.has(k.id) && (whole || k.objectives.some((o) => objectives.has(o))))
      kpis.add(k.id);
  const units = new Set(plan.units.map((u) => u.id));
  const shows = (ref: { kind: string; id: string }): boolean => {
    switch (ref.kind) {
      case 'initiative':
        return initiatives.has(ref.id);
      case 'milestone':
        return milestones.has(ref.id);
      case 'kpi':
        return kpis.has(ref.id);
      case 'objective':
        return whole || objectives.has(ref.id);
      case 'benefit':
      case 'demand':
      case 'dependency':
        return true;
      default:
        return true;
    }
  };
  return {
    initiatives,
    milestones,
    kpis,
    objectives,
    units,
    confidential: plan.initiatives
      .filter((i) => i.confidential !== undefined && initiatives.has(i.id))
      .map((i) => i.id),
    withheld: plan.initiatives.filter((i) => barred.has(i.id) && scoped(i)).length,
    shows,
  };
}

function scopeOf(plan: Plan, review: Review): (i: Initiative) => boolean {
  const scope = review.scope;
  if (scope === undefined) return () => true;
  const objectives = new Set(scope.objectives ?? []);
  // Child objectives are covered with their parent.
  let grew = true;
  while (grew) {
    grew = false;
    for (const o of plan.objectives)
      if (o.parent !== undefined && objectives.has(o.parent) && !objectives.has(o.id)) {
        objectives.add(o.id);
        grew = true;
      }
  }
  const initiatives = new Set(scope.initiatives ?? []);
  return (i) => initiatives.has(i.id) || i.objectives.some((o) => objectives.has(o));
}

/** Whether every item a signal reaches is one the pack may show. */
function signalShown(
  reach: PackReach,
  signal: Pick<Signal, 'subject'> & { chain: readonly { kind: EntityKind; id: string }[] },
): boolean {
  if (!reach.shows(signal.subject)) return false;
  // A signal about a unit (capacity) or a source is shown when nothing barred is in its chain.
  const named = signal.chain.filter((s) => s.kind === 'initiative' || s.kind === 'milestone');
  if (!named.every((s) => reach.shows(s))) return false;
  // …and it touches the review's scope at all.
  if (signal.subject.kind === 'unit' || signal.subject.kind === 'source') return true;
  return signal.chain.some(
    (s) => s.kind !== 'objective' && reach.shows(s) && s.kind !== 'work_item',
  );
}

function nameOf(plan: Plan, id: string): string {
  return plan.people.find((p) => p.id === id)?.name ?? id;
}

function money(amount: number, currency: string): string {
  return formatWithUnit(formatAmount(amount), currency);
}

/** Assembles a review pack. Pure: the same input gives the same pack. */
export function buildReviewPack(input: PackInput): ReviewPackContent {
  const { plan, state, review, previous } = input;
  const reach = packReach(plan, review);
  const currency = plan.organisation.currency;
  const basis: PackBasis = { milestones: {}, kpis: {} };
  for (const [id, m] of state.milestones)
    if (reach.milestones.has(id)) basis.milestones[id] = m.forecastDate;
  for (const [id, k] of state.kpis) {
    if (!reach.kpis.has(id)) continue;
    const current = currentPeriod(k.periods, state.asOf);
    if (current !== undefined)
      basis.kpis[id] = { period: current.period, forecast: current.forecast };
  }
  const openSignals = state.signals.filter((s) => signalShown(reach, s));
  const openIds = new Set(openSignals.map((s) => s.id));
  const allIds = new Set(state.signals.map((s) => s.id));
  const incidents = input.incidents.filter(
    (i) =>
      i.initiatives.every((x) => reach.initiatives.has(x)) &&
      i.signals.some((s) => openIds.has(s.id)),
  );
  const decisionShown = (d: Decision): boolean =>
    d.options.every((o) => o.effect.initiatives.every((i) => reach.initiatives.has(i))) &&
    (d.signal === null || !allIds.has(d.signal) || openIds.has(d.signal));
  const decisions = input.decisions.filter(decisionShown);

  const sections: PackSection[] = (
    [
      decisionsToTake(plan, decisions, incidents, currency),
      moneyAtRisk(incidents, currency),
      forecastsMoved(plan, state, reach, previous?.content.basis ?? null, openSignals),
      signalsSince(input.signalEvents.filter((e) => signalShown(reach, e))),
      decisionsSince(plan, decisions, previous?.publishedAt ?? null, state.asOf),
      kpiTrends(plan, state, reach, previous?.content.basis ?? null),
      budgetAgainstActual(plan, reach, state.asOf, currency),
      capacityHotSpots(state, reach),
      ...(input.extraSections ?? []),
    ] satisfies PackSection[]
  ).map(capRows);
  const headline: string[] = [];
  for (const i of incidents) headline.push(i.headline);
  for (const d of decisions.filter((x) => x.status === 'open'))
    headline.push(
      `${d.id} waits on ${nameOf(plan, d.decider.person)}${d.dueDate === null ? '' : ` (due ${d.dueDate})`}: ${d.title}`,
    );
  if (headline.length === 0)
    headline.push('Nothing needs the meeting: no open signal and no decision waiting.');
  return {
    review: {
      id: review.id,
      name: review.name,
      cadence: cadenceText(review),
      attendees: review.attendees.map((id) => ({ id, name: nameOf(plan, id) })),
    },
    occurrence: input.occurrence,
    asOf: state.asOf,
    since:
      previous === null
        ? null
        : { date: previous.content.occurrence.date, publishedAt: previous.publishedAt },
    currency,
    headline,
    sections,
    confidential: reach.confidential,
    withheld: reach.withheld,
    basis,
  };
}

function currentPeriod<T extends { period: string; start: IsoDate; end: IsoDate }>(
  periods: readonly T[],
  asOf: IsoDate,
): T | undefined {
  return (
    periods.find((p) => p.start <= asOf && asOf <= p.end) ?? periods.find((p) => p.start > asOf)
  );
}

function decisionsToTake(
  plan: Plan,
  decisions: readonly Decision[],
  incidents: readonly Incident[],
  currency: string,
): PackSection {
  const rows: PackRow[] = [];
  for (const d of decisions.filter((x) => x.status === 'open')) {
    const incident = incidents.find((i) => i.id === d.incident);
    const stake =
      incident === undefined
        ? 0
        : Math.max(incident.money.againstPlan, incident.money.againstTarget);
    rows.push({
      text: `${d.id}: ${d.title} — ${nameOf(plan, d.decider.person)} decides${d.dueDate === null ? '' : ` by ${d.dueDate}`}; ${d.options.length} options${stake > 0 ? `; ${money(stake, currency)} at stake` : ''}`,
      ref: { kind: 'decision', id: d.id },
      figures: {
        decider: d.decider.person,
        ...(d.dueDate === null ? {} : { dueDate: d.dueDate }),
        options: d.options.length,
        ...(stake > 0 ? { atStake: Math.round(stake) } : {}),
      },
    });
  }
  // An incident without a decision yet still needs the meeting.
  for (const i of incidents.filter((x) => !decisions.some((d) => d.incident === x.id)))
    rows.push({ text: `Decide on: ${i.headline}`, ref: { kind: 'incident', id: i.id } });
  return {
    id: 'decisions_to_take',
    title: 'Decisions the meeting must take',
    summary:
      rows.length === 0
        ? 'No decision is waiting.'
        : `${rows.length} decision${rows.length === 1 ? '' : 's'} waiting.`,
    rows,
  };
}

function moneyAtRisk(incidents: readonly Incident[], currency: string): PackSection {
  const rows: PackRow[] = [];
  let total = 0;
  for (const i of incidents)
    for (const k of i.money.kpis) {
      if (!k.counted || k.againstPlan <= 0) continue;
      total += k.againstPlan;
      rows.push({
        text: `${money(k.againstPlan, k.unitOfMeasure)} at risk in ${k.period ?? 'the horizon'} for ${k.kpi} (${k.name}): ${i.root.text}`,
        ref: { kind: 'kpi', id: k.kpi },
        figures: {
          atRisk: Math.round(k.againstPlan),
          ...(k.period === null ? {} : { period: k.period }),
          belowTarget: Math.round(k.againstTarget),
          incident: i.id,
        },
      });
    }
  return {
    id: 'money_at_risk',
    title: 'Money at risk',
    summary:
      rows.length === 0 ? 'No money at risk.' : `${money(total, currency)} at risk against plan.`,
    rows,
  };
}

function forecastsMoved(
  plan: Plan,
  state: DerivedState,
  reach: PackReach,
  before: PackBasis | null,
  signals: readonly Signal[],
): PackSection {
  const rows: PackRow[] = [];
  const causes = sourceCauses(signals);
  for (const m of plan.milestones) {
    if (!reach.milestones.has(m.id)) continue;
    const f = state.milestones.get(m.id);
    if (f === undefined) continue;
    const from = before === null ? f.plannedDate : before.milestones[m.id];
    if (from === undefined || from === f.forecastDate) continue;
    const why = causes.get(m.id) ?? f.explanation[f.explanation.length - 1]?.text ?? '';
    const days = Math.round((Date.parse(f.forecastDate) - Date.parse(from)) / 86_400_000);
    rows.push({
      text: `${m.id} (${m.name}) ${days > 0 ? 'slipped' : 'moved earlier'} ${from} → ${f.forecastDate} (${formatSigned(days)} days${before === null ? ' against plan' : ''})${why === '' ? '' : `: ${why}`}`,
      ref: { kind: 'milestone', id: m.id },
      figures: { from, to: f.forecastDate, days, slipWorkingDays: f.slipWorkingDays },
    });
  }
  rows.sort((a, b) => Math.abs(Number(b.figures?.days)) - Math.abs(Number(a.figures?.days)));
  return {
    id: 'forecasts_moved',
    title: before === null ? 'Forecasts off plan' : 'Forecasts moved since the last review',
    summary:
      rows.length === 0
        ? 'No forecast moved.'
        : `${rows.length} milestone forecast${rows.length === 1 ? '' : 's'} moved.`,
    rows,
  };
}

/**
 * Per milestone, the source event that moved it: the first step of the cause chain of its own
 * slip signal, else of the first signal whose chain passes through it.
 */
function sourceCauses(signals: readonly Signal[]): Map<string, string> {
  const own = new Map<string, string>();
  const passing = new Map<string, string>();
  for (const s of signals) {
    const first = s.chain[0];
    if (first === undefined || first.kind === 'milestone') continue;
    if (s.kind === 'milestone.slipped' && !own.has(s.subject.id)) own.set(s.subject.id, first.text);
    for (const c of s.chain)
      if (c.kind === 'milestone' && !passing.has(c.id)) passing.set(c.id, first.text);
  }
  for (const [id, text] of passing) if (!own.has(id)) own.set(id, text);
  return own;
}

/** At most this many rows a section lists; the summary keeps the count of them all. */
export const MAX_SECTION_ROWS = 100;

/** Keeps a section readable in a meeting: its first rows (the biggest first), and how many more. */
function capRows(section: PackSection): PackSection {
  if (section.rows.length <= MAX_SECTION_ROWS) return section;
  const more = section.rows.length - MAX_SECTION_ROWS;
  return {
    ...section,
    rows: [
      ...section.rows.slice(0, MAX_SECTION_ROWS),
      { text: `… and ${more} more (the web app lists them all)`, figures: { more } },
    ],
  };
}

function signalsSince(events: readonly SignalEvent[]): PackSection {
  // The last step of each signal since the last review says where it stands.
  const last = new Map<string, SignalEvent>();
  const raised = new Set<string>();
  for (const e of events) {
    last.set(e.signal, e);
    if (e.action === 'raised') raised.add(e.signal);
  }
  const rows: PackRow[] = [];
  let up = 0;
  let down = 0;
  for (const e of last.values()) {
    const action =
      e.action === 'resolved' ? 'resolved' : raised.has(e.signal) ? 'raised' : 'changed';
    if (action === 'raised') up += 1;
    if (action === 'resolved') down += 1;
    rows.push({
      text: `${action === 'raised' ? 'Raised' : action === 'resolved' ? 'Resolved' : 'Changed'}: ${e.title}`,
      ref: { kind: 'signal', id: e.signal },
      figures: { action, at: e.at },
    });
  }
  return {
    id: 'signals',
    title: 'Signals raised and resolved',
    summary: `${up} raised, ${down} resolved, ${rows.length - up - down} changed.`,
    rows,
  };
}

function decisionsSince(
  plan: Plan,
  decisions: readonly Decision[],
  since: string | null,
  asOf: IsoDate,
): PackSection {
  const rows: PackRow[] = [];
  for (const d of decisions) {
    const o = d.outcome;
    if (o !== null && (since === null || o.decidedAt > since)) {
      const option = d.options.find((x) => x.number === o.option);
      rows.push({
        text: `Made: ${d.id} ${d.title} — ${nameOf(plan, o.decidedBy)} chose option ${o.option}${option === undefined ? '' : ` (${option.title})`}: ${o.reason}`,
        ref: { kind: 'decision', id: d.id },
        figures: { decidedAt: o.decidedAt, option: o.option },
      });
    } else if (d.status === 'open' && d.dueDate !== null) {
      rows.push({
        text: `Due: ${d.id} ${d.title} — ${nameOf(plan, d.decider.person)}, due ${d.dueDate}${d.dueDate < asOf ? ' (overdue)' : ''}`,
        ref: { kind: 'decision', id: d.id },
        figures: { dueDate: d.dueDate },
      });
    }
  }
  return {
    id: 'decisions',
    title: 'Decisions made and due',
    summary:
      rows.length === 0
        ? 'No decision made or due.'
        : `${rows.length} decision${rows.length === 1 ? '' : 's'}.`,
    rows,
  };
}

function kpiTrends(
  plan: Plan,
  state: DerivedState,
  reach: PackReach,
  before: PackBasis | null,
): PackSection {
  const rows: PackRow[] = [];
  for (const k of plan.kpis) {
    if (!reach.kpis.has(k.id)) continue;
    const f = state.kpis.get(k.id);
    if (f === undefined) continue;
    const p = currentPeriod(f.periods, state.asOf);
    if (p === undefined) continue;
    const previous = before?.kpis[k.id];
    const moved =
      previous !== undefined && previous.period === p.period
        ? p.forecast - previous.forecast
        : null;
    const target = p.target === null ? 'no target' : `target ${formatAmount(p.target)}`;
    rows.push({
      text: `${k.id} (${k.name}) ${p.period}: forecast ${formatWithUnit(formatAmount(p.forecast), k.unitOfMeasure)} against ${target}${p.gap === null ? '' : `, gap ${formatSigned(p.gap)}`}${moved === null ? '' : `; ${formatSigned(moved)} since the last review`} — ${p.status.status.replace('_', ' ')}`,
      ref: { kind: 'kpi', id: k.id },
      figures: {
        period: p.period,
        forecast: Math.round(p.forecast),
        ...(p.target === null ? {} : { target: p.target }),
        ...(p.gap === null ? {} : { gap: Math.round(p.gap) }),
        ...(moved === null ? {} : { moved: Math.round(moved) }),
        status: p.status.status,
      },
    });
  }
  const off = rows.filter((r) => r.figures?.status !== 'on_track').length;
  return {
    id: 'kpis',
    title: 'KPI trends against target',
    summary: `${rows.length} KPI${rows.length === 1 ? '' : 's'}, ${off} not on track.`,
    rows,
  };
}

function budgetAgainstActual(
  plan: Plan,
  reach: PackReach,
  asOf: IsoDate,
  currency: string,
): PackSection {
  const rows: PackRow[] = [];
  let planned = 0;
  let spent = 0;
  for (const i of plan.initiatives) {
    if (!reach.initiatives.has(i.id)) continue;
    let p = 0;
    let c = 0;
    let a = 0;
    let total = 0;
    for (const [label, line] of Object.entries(i.budget)) {
      total += line.plan;
      const period = parsePeriod(label);
      if (period === null || period.start > asOf) continue;
      p += line.plan;
      c += line.committed ?? 0;
      a += line.actual ?? 0;
    }
    if (total === 0 && a === 0) continue;
    const cur = i.currency ?? currency;
    planned += p;
    spent += a;
    const variance = a - p;
    rows.push({
      text: `${i.id} (${i.name}): actual ${money(a, cur)} against ${money(p, cur)} planned to date (${formatSigned(variance)}), committed ${money(c, cur)}; ${money(total, cur)} in all`,
      ref: { kind: 'initiative', id: i.id },
      figures: { planToDate: p, committed: c, actual: a, variance, budget: total, currency: cur },
    });
  }
  return {
    id: 'budget',
    title: 'Budget against actual',
    summary:
      rows.length === 0
        ? 'No budget in scope.'
        : `${money(spent, currency)} spent against ${money(planned, currency)} planned to date.`,
    rows,
  };
}

function capacityHotSpots(state: DerivedState, reach: PackReach): PackSection {
  const rows: PackRow[] = [];
  for (const o of state.capacity.overAllocations) {
    if (!o.initiatives.some((i) => reach.initiatives.has(i.id))) continue;
    if (!o.initiatives.every((i) => reach.initiatives.has(i.id))) {
      rows.push({
        text: `${o.unit} is over capacity in ${o.weeks[0] ?? ''}${o.weeks.length > 1 ? `–${o.weeks[o.weeks.length - 1]!}` : ''} (peak ${formatAmount(o.peakLoad)} against ${formatAmount(o.capacity)})`,
        ref: { kind: 'unit', id: o.unit },
        figures: { weeks: o.weeks.join(' '), peakLoad: o.peakLoad, capacity: o.capacity },
      });
      continue;
    }
    rows.push({
      text: o.sentence,
      ref: { kind: 'unit', id: o.unit },
      figures: {
        weeks: o.weeks.join(' '),
        peakLoad: o.peakLoad,
        capacity: o.capacity,
        ...(o.peakPercent === null ? {} : { peakPercent: o.peakPercent }),
      },
    });
  }
  for (const m of state.capacity.milestones)
    if (reach.milestones.has(m.id))
      rows.push({
        text: m.sentence,
        ref: { kind: 'milestone', id: m.id },
        figures: { workingDays: m.workingDays },
      });
  return {
    id: 'capacity',
    title: 'Capacity hot spots',
    summary:
      rows.length === 0
        ? 'No unit over capacity.'
        : `${state.capacity.overAllocations.length} over-allocation${state.capacity.overAllocations.length === 1 ? '' : 's'}.`,
    rows,
  };
}

/** The pack as Markdown: what is stored beside the JSON and exported. */
export function packMarkdown(pack: ReviewPackContent): string {
  const lines: string[] = [];
  const esc = (text: string): string => text.replace(/([\\`*_[\]<>|#])/g, '\\$1');
  lines.push(`# ${esc(pack.review.name)} — ${pack.occurrence.date}`);
  lines.push('');
  lines.push(
    `${esc(pack.review.cadence)}. Meeting ${pack.occurrence.date} ${pack.occurrence.at} (${esc(pack.occurrence.timeZone)}); figures as of ${pack.asOf}${pack.since === null ? '' : `; changes since the review of ${pack.since.date}`}.`,
  );
  lines.push('');
  lines.push(`Attendees: ${pack.review.attendees.map((a) => esc(a.name)).join(', ')}`);
  lines.push('');
  lines.push('## Headline');
  lines.push('');
  for (const h of pack.headline) lines.push(`- ${esc(h)}`);
  for (const s of pack.sections) {
    lines.push('');
    lines.push(`## ${esc(s.title)}`);
    lines.push('');
    lines.push(esc(s.summary));
    if (s.rows.length > 0) lines.push('');
    for (const r of s.rows) lines.push(`- ${esc(r.text)}`);
  }
  if (pack.withheld > 0) {
    lines.push('');
    lines.push(
      `_${pack.withheld} confidential initiative${pack.withheld === 1 ? ' is' : 's are'} left out: not every attendee is cleared for ${pack.withheld === 1 ? 'it' : 'them'}._`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
