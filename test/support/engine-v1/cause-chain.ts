import { daysBetween, isIsoDate } from '../../../src/core/calendar.ts';
import type { IsoDate } from '../../../src/core/domain/plan.ts';
import type { ChainStep, MilestoneForecast, ObjectiveStatus } from './state.ts';
import type { WorkItemChange } from '../../../src/core/domain/work-item.ts';
import { formatSigned, formatWorkingDays } from './format.ts';
import type { WorkItemForecasts } from './forecast-work-items.ts';
import { milestoneOwner, type PlanIndex } from './plan-index.ts';
import { statusWords } from './status.ts';
import type { WorkItemIndex } from './work-item-index.ts';

/**
 * A chain keeps its source and at most this many links nearest the end of each stretch (work
 * items, milestones): a slip at the head of a ten-thousand-milestone chain must not make every
 * signal downstream ten thousand steps long.
 */
export const MAX_CHAIN_LINKS = 32;

/** One link of a cause chain and the person it makes accountable, when there is one. */
export interface ChainLink {
  step: ChainStep;
  owner: string | null;
}

export interface CauseChainInput {
  readonly plan: PlanIndex;
  readonly work: WorkItemIndex;
  readonly workForecasts: WorkItemForecasts;
  readonly milestones: Readonly<Record<string, MilestoneForecast>>;
  readonly objectives: Readonly<Record<string, ObjectiveStatus>>;
  readonly changes: Readonly<Record<string, WorkItemChange>>;
  readonly asOf: IsoDate;
}

export interface CauseChains {
  /** The links from the source event to the milestone, through each dependency that pushed it. */
  toMilestone(milestoneId: string): readonly ChainLink[];
  /** The link naming an objective's derived status, owned by the objective's owner. */
  objective(objectiveId: string): ChainLink | null;
}

/** The nodes from a root to a node, the root first, and how many were left out after the root. */
interface Path {
  nodes: string[];
  omittedAfterRoot: number;
}

/**
 * Follows "pushed by" links back to their root. Roots and hop counts are remembered, so
 * walking back from every node of a long chain costs the chain's length once, not once per node.
 */
function createPathFinder(
  parentOf: (node: string) => string | null,
  limit: number,
): (node: string) => Path {
  const roots = new Map<string, { root: string; hops: number }>();
  const rootOf = (node: string): { root: string; hops: number } => {
    const trail: string[] = [];
    let current = node;
    let known = roots.get(current);
    while (known === undefined) {
      const parent = parentOf(current);
      // The pushed-by links are acyclic by construction; the bound only guards against bad input.
      if (parent === null || trail.length > limit) {
        known = { root: current, hops: 0 };
        roots.set(current, known);
        break;
      }
      trail.push(current);
      current = parent;
      known = roots.get(current);
    }
    for (let at = trail.length - 1; at >= 0; at -= 1) {
      known = { root: known.root, hops: known.hops + 1 };
      roots.set(trail[at]!, known);
    }
    return known;
  };
  return (node: string): Path => {
    const { root, hops } = rootOf(node);
    const nearest: string[] = [];
    let current = node;
    while (current !== root && nearest.length < MAX_CHAIN_LINKS) {
      nearest.push(current);
      current = parentOf(current) ?? root;
    }
    nearest.push(root);
    return { nodes: nearest.reverse(), omittedAfterRoot: hops + 1 - nearest.length };
  };
}

/** Builds the cause-chain links of milestones and objectives from the derived state. */
export function createCauseChains(input: CauseChainInput): CauseChains {
  const { plan, work, workForecasts, milestones, objectives, changes, asOf } = input;
  const workPath = createPathFinder((key) => {
    const at = work.byKey.get(key);
    const blocker = at === undefined ? -1 : (workForecasts.pushedBy[at] ?? -1);
    return blocker < 0 ? null : work.items[blocker]!.key;
  }, work.items.length);
  const milestonePath = createPathFinder((id) => {
    const driver = milestones[id]?.driver;
    return driver?.kind === 'dependency' && milestones[driver.predecessor] !== undefined
      ? driver.predecessor
      : null;
  }, plan.plan.milestones.length);

  // Many signals pass through the same work items, milestones and objectives: each link is
  // built once and shared, frozen so that no reader can change another signal's chain.
  const workItemLink = remembered((key): ChainLink => frozenLink(workItemStep(key), null));
  const workItemStep = (key: string): ChainStep => {
    const at = work.byKey.get(key);
    const item = at === undefined ? undefined : work.items[at];
    const finish = at === undefined ? null : (workForecasts.finish[at] ?? null);
    const due = changes[key]?.changes.find((change) => change.field === 'dueDate');
    if (due !== undefined && due.from !== null && due.to !== null) {
      if (isIsoDate(due.from) && isIsoDate(due.to)) {
        const deltaDays = daysBetween(due.from, due.to);
        const days = `${formatSigned(deltaDays)} ${Math.abs(deltaDays) === 1 ? 'day' : 'days'}`;
        return {
          kind: 'work_item',
          id: key,
          text: `${key} due date moved ${due.from} \u2192 ${due.to} (${days})`,
          figures: { from: due.from, to: due.to, deltaDays },
        };
      }
    } else if (due !== undefined && due.to !== null) {
      return {
        kind: 'work_item',
        id: key,
        text: `${key} due date set to ${due.to}`,
        figures: { to: due.to },
      };
    } else if (due !== undefined && due.from !== null) {
      return {
        kind: 'work_item',
        id: key,
        text: `${key} due date removed (was ${due.from})`,
        figures: { from: due.from },
      };
    }
    if (item !== undefined && item.statusCategory === 'done') {
      return {
        kind: 'work_item',
        id: key,
        text: `${key} done ${item.doneDate ?? 'on an unknown date'}`,
        figures: item.doneDate === null ? {} : { doneDate: item.doneDate },
      };
    }
    const finishText: IsoDate = finish ?? 'unknown';
    const blocker = at === undefined ? -1 : (workForecasts.pushedBy[at] ?? -1);
    let text = `${key} forecast to finish ${finishText}`;
    if (blocker >= 0) text += `, after its blocker ${work.items[blocker]!.key}`;
    else if (item !== undefined && item.dueDate !== null && item.dueDate < asOf) {
      text = `${key} past its due date ${item.dueDate}, forecast to finish ${finishText}`;
    }
    return {
      kind: 'work_item',
      id: key,
      text,
      figures: finish === null ? {} : { forecastFinish: finish },
    };
  };

  const milestoneLink = remembered((id): ChainLink => {
    const forecast = milestones[id]!;
    const milestone = plan.milestones.get(id);
    return frozenLink(
      {
        kind: 'milestone',
        id,
        text: `${id} forecast ${forecast.forecastDate}, ${formatWorkingDays(forecast.slipWorkingDays, true)} (plan ${forecast.plannedDate})`,
        figures: {
          plannedDate: forecast.plannedDate,
          forecastDate: forecast.forecastDate,
          slipWorkingDays: forecast.slipWorkingDays,
        },
      },
      milestone === undefined ? null : milestoneOwner(plan, milestone),
    );
  });

  const objectiveLink = remembered((id): ChainLink | null => {
    const derived = objectives[id];
    if (derived === undefined) return null;
    const status = derived.status.status;
    return frozenLink(
      { kind: 'objective', id, text: `${id} ${statusWords(status)}`, figures: { status } },
      plan.objectives.get(id)?.owner ?? null,
    );
  });

  const toMilestone = remembered((milestoneId): readonly ChainLink[] => {
    if (milestones[milestoneId] === undefined) return [];
    const path = milestonePath(milestoneId);
    const links: ChainLink[] = [];
    const source = milestones[path.nodes[0]!]!.driver;
    if (source.kind === 'work_item') {
      links.push(...linksAlong(workPath(source.key), workItemLink, 'work items'));
    }
    links.push(...linksAlong(path, milestoneLink, 'milestones'));
    return Object.freeze(links);
  });

  return { toMilestone, objective: objectiveLink };
}

/** The links along a path; the one after a gap says how many upstream nodes it leaves out. */
function linksAlong(
  path: Path,
  link: (node: string) => ChainLink,
  nodesCalled: string,
): ChainLink[] {
  return path.nodes.map((node, at) => {
    const plain = link(node);
    if (at !== 1 || path.omittedAfterRoot === 0) return plain;
    const omitted = path.omittedAfterRoot;
    const figure = nodesCalled === 'milestones' ? 'milestonesNotShown' : 'workItemsNotShown';
    return frozenLink(
      {
        ...plain.step,
        text: `${plain.step.text} (${omitted} ${nodesCalled} upstream not shown)`,
        figures: { ...plain.step.figures, [figure]: omitted },
      },
      plain.owner,
    );
  });
}

function frozenLink(step: ChainStep, owner: string | null): ChainLink {
  Object.freeze(step.figures);
  return Object.freeze({ step: Object.freeze(step), owner });
}

/** Wraps a function of an id so that each id is computed once. */
function remembered<T>(compute: (id: string) => T): (id: string) => T {
  const known = new Map<string, T>();
  return (id) => {
    if (known.has(id)) return known.get(id) as T;
    const value = compute(id);
    known.set(id, value);
    return value;
  };
}
