/**
 * Stage gates (PRODUCT.md §3, docs/GOVERNANCE.md "Stage gates"): an initiative moves along idea →
 * defined → approved → in delivery → delivered → value validated → closed, each move through a
 * gate whose criteria are checked from the data and whose owner comes from the decision rights
 * (kind `go_no_go`). An initiative past a gate its stage history does not record raises a
 * governance signal. Pure: the facts the plan does not hold (milestones done, benefits
 * validated) are given.
 */
import type { Initiative, IsoDate, Plan, Stage, StagePassage } from '../domain/plan.ts';
import type { ChainStep, Signal } from '../domain/state.ts';
import type { Decider } from '../decisions/decision.ts';
import { deciderFor } from '../decisions/decider.ts';
import { fail } from '../errors.ts';

/** The stages along the line, in order: each move to the next passes a gate. */
export const STAGE_LINE: readonly Stage[] = [
  'idea',
  'defined',
  'approved',
  'in_delivery',
  'delivered',
  'value_validated',
  'closed',
];

/** A stage in words: `in delivery`, `value validated`. */
export function stageWords(stage: Stage): string {
  return stage.replace(/_/g, ' ');
}

/** An initiative's stage: `idea` when the plan names none. */
export function stageOf(initiative: Pick<Initiative, 'stage'>): Stage {
  return initiative.stage ?? 'idea';
}

/** The stage the next gate leads to; null at the end of the line, on hold or cancelled. */
export function nextStage(stage: Stage): Stage | null {
  const at = STAGE_LINE.indexOf(stage);
  return at < 0 || at === STAGE_LINE.length - 1 ? null : STAGE_LINE[at + 1]!;
}

/** What the plan does not hold and the gates need: from the derived state and the value records. */
export interface GateFacts {
  /** Whether a milestone is done: every work item it is linked to done (the derived state). */
  milestoneDone: (milestone: string) => boolean;
  /**
   * Benefits whose realised value a finance controller validated (docs/GOVERNANCE.md "Validated
   * value"); empty until any is: then nothing is validated.
   */
  validatedBenefits: ReadonlySet<string>;
}

/** One criterion of a gate: whether the data meets it, and a sentence naming what is missing. */
export interface GateCriterion {
  /** Stable: `owner`, `objectives`, `budget`, `benefits`, `milestones`, `approval`, `milestones_done`, `value_validated`. */
  id: string;
  /** What it asks, in words: `a budget`. */
  label: string;
  pass: boolean;
  /** "I-MAINT (Predictive maintenance pilot) has no benefit: …" or what it found. */
  message: string;
}

/** An initiative at its gate: where it stands, the gate ahead, its criteria and its owner. */
export interface GateCheck {
  initiative: string;
  name: string;
  stage: Stage;
  /** The stage the next gate leads to (null: no gate ahead: closed, on hold or cancelled). */
  gate: Stage | null;
  criteria: GateCriterion[];
  /** Every criterion met (false when there is no gate). */
  passes: boolean;
  /** Who decides the go / no-go (null: no gate ahead). */
  owner: Decider | null;
  /** The gates passed, oldest first. */
  history: StagePassage[];
}

/** The initiative with this id, or `not_found` naming it. */
export function initiativeOrFail(plan: Plan, id: string): Initiative {
  const initiative = plan.initiatives.find((i) => i.id === id);
  if (initiative === undefined)
    return fail('not_found', `there is no initiative '${shortId(id)}'`, { path: 'id' });
  return initiative;
}

function shortId(id: string): string {
  return id.length > 80 ? `${id.slice(0, 80)}…` : id;
}

/** The initiative in words for messages: `I-MAINT (Predictive maintenance pilot, line 3)`. */
function named(initiative: Initiative): string {
  return `${initiative.id} (${initiative.name})`;
}

/** The total of a budget's planned lines. */
export function plannedBudget(initiative: Pick<Initiative, 'budget'>): number {
  return Object.values(initiative.budget).reduce((sum, line) => sum + line.plan, 0);
}

/** Who owns an initiative's gates: the decision rights' holder for a go / no-go on it. */
export function gateOwner(plan: Plan, initiative: Initiative): Decider {
  return deciderFor(plan, [
    {
      kinds: ['go_no_go'],
      initiatives: [initiative.id],
      units: [],
      amount: plannedBudget(initiative),
      slipWeeks: 0,
      kpisBelowTarget: [],
    },
  ]);
}

/** An initiative's milestones and a milestone's benefits, looked up once for many initiatives. */
export interface PlanIndex {
  milestonesOf: Map<string, Plan['milestones']>;
  benefitsOf: Map<string, Plan['benefits']>;
}

export function indexPlan(plan: Plan): PlanIndex {
  const milestonesOf = new Map<string, Plan['milestones']>();
  for (const m of plan.milestones) {
    const list = milestonesOf.get(m.initiative);
    if (list === undefined) milestonesOf.set(m.initiative, [m]);
    else list.push(m);
  }
  const benefitsOf = new Map<string, Plan['benefits']>();
  for (const b of plan.benefits) {
    const list = benefitsOf.get(b.milestone);
    if (list === undefined) benefitsOf.set(b.milestone, [b]);
    else list.push(b);
  }
  return { milestonesOf, benefitsOf };
}

/** The criteria of the gate that leads to `gate`, checked on the initiative. */
export function gateCriteria(
  plan: Plan,
  initiative: Initiative,
  gate: Stage,
  facts: GateFacts,
  index: PlanIndex = indexPlan(plan),
): GateCriterion[] {
  const who = named(initiative);
  const to = stageWords(gate);
  const milestones = index.milestonesOf.get(initiative.id) ?? [];
  const benefits = milestones.flatMap((m) => index.benefitsOf.get(m.id) ?? []);
  const owner = (): GateCriterion => {
    const person = plan.people.find((p) => p.id === initiative.owner);
    return person === undefined
      ? {
          id: 'owner',
          label: 'an owner',
          pass: false,
          message: `${who} has no owner who is a person of the plan: name one before it can be ${to}`,
        }
      : { id: 'owner', label: 'an owner', pass: true, message: `${person.name} owns ${who}` };
  };
  const objectives = (): GateCriterion =>
    initiative.objectives.length === 0
      ? {
          id: 'objectives',
          label: 'objectives served',
          pass: false,
          message: `${who} serves no objective: name the objectives it serves before it can be ${to}`,
        }
      : {
          id: 'objectives',
          label: 'objectives served',
          pass: true,
          message: `${who} serves ${initiative.objectives.join(', ')}`,
        };
  const budget = (): GateCriterion => {
    const total = plannedBudget(initiative);
    const currency = initiative.currency ?? plan.organisation.currency;
    return total > 0
      ? {
          id: 'budget',
          label: 'a budget',
          pass: true,
          message: `${who} has a planned budget of ${amount(total)} ${currency}`,
        }
      : {
          id: 'budget',
          label: 'a budget',
          pass: false,
          message: `${who} has no budget: plan its budget per period before it can be ${to}`,
        };
  };
  const benefitsPresent = (): GateCriterion =>
    benefits.length === 0
      ? {
          id: 'benefits',
          label: 'benefits',
          pass: false,
          message: `${who} has no benefit: name the KPI its milestones move and by how much before it can be ${to}`,
        }
      : {
          id: 'benefits',
          label: 'benefits',
          pass: true,
          message: `${who} promises ${benefits.map((b) => b.id).join(', ')}`,
        };
  const milestonesPresent = (): GateCriterion =>
    milestones.length === 0
      ? {
          id: 'milestones',
          label: 'milestones',
          pass: false,
          message: `${who} has no milestone: plan its milestones before it can be ${to}`,
        }
      : {
          id: 'milestones',
          label: 'milestones',
          pass: true,
          message: `${who} has ${milestones.length} milestone${milestones.length === 1 ? '' : 's'}`,
        };
  switch (gate) {
    case 'defined':
      return [owner(), objectives()];
    case 'approved':
      return [owner(), objectives(), budget(), benefitsPresent(), milestonesPresent()];
    case 'in_delivery': {
      const approval = (initiative.stageHistory ?? []).find((p) => p.stage === 'approved');
      return [
        approval === undefined
          ? {
              id: 'approval',
              label: 'an approval recorded',
              pass: false,
              message: `${who} has no approval recorded: its stage history has no go through the approval gate`,
            }
          : {
              id: 'approval',
              label: 'an approval recorded',
              pass: true,
              message: `${who} was approved on ${approval.on}${approval.by === undefined ? '' : ` by ${approval.by}`}`,
            },
      ];
    }
    case 'delivered': {
      const open = milestones.filter((m) => !facts.milestoneDone(m.id)).map((m) => m.id);
      return [
        milestones.length === 0
          ? {
              id: 'milestones_done',
              label: 'every milestone done',
              pass: false,
              message: `${who} has no milestone to deliver`,
            }
          : open.length > 0
            ? {
                id: 'milestones_done',
                label: 'every milestone done',
                pass: false,
                message: `${who} has ${open.length} milestone${open.length === 1 ? '' : 's'} not done: ${open.join(', ')}`,
              }
            : {
                id: 'milestones_done',
                label: 'every milestone done',
                pass: true,
                message: `every milestone of ${who} is done`,
              },
      ];
    }
    case 'value_validated': {
      const unvalidated = benefits
        .filter((b) => !facts.validatedBenefits.has(b.id))
        .map((b) => b.id);
      return [
        benefits.length === 0
          ? {
              id: 'value_validated',
              label: 'value validated',
              pass: false,
              message: `${who} has no benefit whose value could be validated`,
            }
          : unvalidated.length > 0
            ? {
                id: 'value_validated',
                label: 'value validated',
                pass: false,
                message: `${who} has benefits whose realised value no finance controller validated: ${unvalidated.join(', ')}`,
              }
            : {
                id: 'value_validated',
                label: 'value validated',
                pass: true,
                message: `a finance controller validated the value of ${benefits.map((b) => b.id).join(', ')}`,
              },
      ];
    }
    default:
      return [];
  }
}

/** The initiative at its next gate: stage, gate, criteria checked, owner. */
export function checkGate(plan: Plan, initiativeId: string, facts: GateFacts): GateCheck {
  const initiative = initiativeOrFail(plan, initiativeId);
  const stage = stageOf(initiative);
  const gate = nextStage(stage);
  const criteria = gate === null ? [] : gateCriteria(plan, initiative, gate, facts);
  return {
    initiative: initiative.id,
    name: initiative.name,
    stage,
    gate,
    criteria,
    passes: gate !== null && criteria.every((c) => c.pass),
    owner: gate === null ? null : gateOwner(plan, initiative),
    history: [...(initiative.stageHistory ?? [])],
  };
}

/** A go or no-go at an initiative's gate, as asked. */
export interface GateVerdict {
  go: boolean;
  note: string;
}

/**
 * The plan after a go at the initiative's gate (on `day`, by `person`, recorded as `decision`):
 * its stage moved on and the passage appended. Refuses (`gate.no_gate`) when there is no gate
 * ahead and (`gate.criteria_failed`, naming every criterion not met) when the data does not meet
 * them. A no-go changes nothing in the plan.
 */
export function passGate(
  plan: Plan,
  initiativeId: string,
  facts: GateFacts,
  verdict: GateVerdict,
  day: IsoDate,
  person: string,
  decision: string,
): { plan: Plan; check: GateCheck; to: Stage | null } {
  const check = checkGate(plan, initiativeId, facts);
  if (check.gate === null)
    return fail(
      'gate.no_gate',
      `${check.initiative} is ${stageWords(check.stage)}: there is no gate ahead of it${
        check.stage === 'on_hold' || check.stage === 'cancelled'
          ? '; set its stage in the plan to take it up again'
          : ''
      }`,
      { path: 'id' },
    );
  if (!verdict.go) return { plan, check, to: null };
  const failing = check.criteria.filter((c) => !c.pass);
  if (failing.length > 0)
    return fail(
      'gate.criteria_failed',
      `${check.initiative} cannot pass the gate to ${stageWords(check.gate)}: ${failing
        .map((c) => `${c.id}: ${c.message}`)
        .join('; ')}`,
      { path: `criteria.${failing[0]!.id}` },
    );
  const passage: StagePassage = { stage: check.gate, on: day, by: person, decision };
  if (verdict.note !== '') passage.note = verdict.note;
  const gate = check.gate;
  return {
    plan: {
      ...plan,
      initiatives: plan.initiatives.map((i) =>
        i.id === initiativeId
          ? { ...i, stage: gate, stageHistory: [...(i.stageHistory ?? []), passage] }
          : i,
      ),
    },
    check,
    to: gate,
  };
}

/**
 * Governance signals: an initiative past a gate its stage history does not record. In delivery
 * (or beyond) with no approval: `governance.gate:I-X:approved`, "in delivery without approval";
 * any other gate skipped: `governance.gate:I-X:<stage>`. On hold and cancelled initiatives raise
 * none.
 */
export function governanceSignals(plan: Plan): Signal[] {
  const signals: Signal[] = [];
  const objectives = new Map(plan.objectives.map((o) => [o.id, o]));
  for (const initiative of plan.initiatives) {
    const stage = stageOf(initiative);
    const at = STAGE_LINE.indexOf(stage);
    if (at <= 0) continue;
    const passed = new Set((initiative.stageHistory ?? []).map((p) => p.stage));
    const missing = STAGE_LINE.slice(1, at + 1).filter((s) => !passed.has(s));
    if (missing.length === 0) continue;
    const chain: ChainStep[] = [
      {
        kind: 'initiative',
        id: initiative.id,
        text: `${initiative.name} is ${stageWords(stage)}`,
        figures: { stage },
      },
    ];
    for (const o of new Set(initiative.objectives)) {
      const objective = objectives.get(o);
      if (objective !== undefined)
        chain.push({ kind: 'objective', id: o, text: objective.name, figures: {} });
    }
    let owner: string | null = null;
    try {
      owner = gateOwner(plan, initiative).person;
    } catch {
      owner = null;
    }
    const affected = [...new Set([initiative.owner, ...(owner === null ? [] : [owner])])];
    for (const gate of missing) {
      const title =
        gate === 'approved' && at >= STAGE_LINE.indexOf('in_delivery')
          ? `${named(initiative)} is ${stageWords(stage)} without approval: its stage history records no go through the approval gate`
          : `${named(initiative)} is ${stageWords(stage)} but skipped the gate to ${stageWords(gate)}: its stage history records no go through it`;
      signals.push({
        id: `governance.gate:${initiative.id}:${gate}`,
        kind: 'governance.gate',
        subject: { kind: 'initiative', id: initiative.id },
        title,
        chain,
        affectedOwners: affected,
      });
    }
  }
  return signals;
}

/** One initiative in the portfolio: its stage, its money, its gate. */
export interface PortfolioInitiative {
  id: string;
  name: string;
  owner: string;
  unit: string;
  stage: Stage;
  currency: string;
  /** Budget totals over its periods. */
  budget: { plan: number; committed: number; actual: number };
  /** The gate ahead (null: none), whether it passes, and the criteria it misses (ids). */
  gate: Stage | null;
  gatePasses: boolean;
  missing: string[];
  /** The day of its last gate passed (null: none recorded). */
  lastPassedOn: IsoDate | null;
}

/** The initiatives of one stage and their money. */
export interface PortfolioStage {
  stage: Stage;
  initiatives: PortfolioInitiative[];
  /** Budget totals in the organisation's currency (initiatives budgeted in another are left out). */
  money: { plan: number; committed: number; actual: number };
}

export interface Portfolio {
  currency: string;
  /** Every stage in line order, then on hold and cancelled, with or without initiatives. */
  stages: PortfolioStage[];
  total: { plan: number; committed: number; actual: number };
}

/**
 * The initiatives by stage, with money per stage; only those `include` lets in (what one person
 * sees), their gates checked on the whole plan.
 */
export function portfolioByStage(
  plan: Plan,
  facts: GateFacts,
  include: (initiative: string) => boolean = () => true,
): Portfolio {
  const currency = plan.organisation.currency;
  const stages: Stage[] = [...STAGE_LINE, 'on_hold', 'cancelled'];
  const byStage = new Map<Stage, PortfolioStage>(
    stages.map((stage) => [
      stage,
      { stage, initiatives: [], money: { plan: 0, committed: 0, actual: 0 } },
    ]),
  );
  const total = { plan: 0, committed: 0, actual: 0 };
  const index = indexPlan(plan);
  for (const initiative of plan.initiatives) {
    if (!include(initiative.id)) continue;
    const stage = stageOf(initiative);
    const gate = nextStage(stage);
    const criteria = gate === null ? [] : gateCriteria(plan, initiative, gate, facts, index);
    const budget = { plan: 0, committed: 0, actual: 0 };
    for (const line of Object.values(initiative.budget)) {
      budget.plan += line.plan;
      budget.committed += line.committed ?? 0;
      budget.actual += line.actual ?? 0;
    }
    const history = initiative.stageHistory ?? [];
    const entry: PortfolioInitiative = {
      id: initiative.id,
      name: initiative.name,
      owner: initiative.owner,
      unit: initiative.unit,
      stage,
      currency: initiative.currency ?? currency,
      budget,
      gate,
      gatePasses: gate !== null && criteria.every((c) => c.pass),
      missing: criteria.filter((c) => !c.pass).map((c) => c.id),
      lastPassedOn: history.length === 0 ? null : history[history.length - 1]!.on,
    };
    const group = byStage.get(stage)!;
    group.initiatives.push(entry);
    if (entry.currency === currency)
      for (const key of ['plan', 'committed', 'actual'] as const) {
        group.money[key] += budget[key];
        total[key] += budget[key];
      }
  }
  return { currency, stages: [...byStage.values()], total };
}

// One formatter for every amount: `toLocaleString` builds a new one on each call.
const AMOUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function amount(value: number): string {
  return AMOUNT.format(Math.round(value));
}
