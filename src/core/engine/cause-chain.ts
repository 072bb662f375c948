import { daysBetween, isIsoDate } from '../calendar.ts';
import type { IsoDate } from '../domain/plan.ts';
import type { ChainStep, DerivedStatus } from '../domain/state.ts';
import type { WorkItemChange } from '../domain/work-item.ts';
import { dateOf, dateOrNull } from './day-numbers.ts';
import { formatSigned, formatWorkingDays } from './format.ts';
import type { MilestoneModel } from './milestone-model.ts';
import { type PlanModel, ownerOfMilestone } from './plan-model.ts';
import { statusWords } from './status.ts';
import type { WorkModel } from './work-model.ts';

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

/** What chains read: the plan, the work, the milestones, the source's changes, objectives. */
export interface ChainContext {
  readonly plan: PlanModel;
  readonly work: WorkModel;
  readonly milestones: MilestoneModel;
  readonly changes: ReadonlyMap<string, WorkItemChange>;
  readonly asOf: IsoDate;
  objectiveStatus(o: number): DerivedStatus | undefined;
}

/**
 * Links are built once and shared by every signal that passes through them, frozen so that no
 * reader can change another signal's chain. The engine forgets the links of what changed.
 */
export interface LinkCache {
  readonly milestones: Map<number, ChainLink>;
  readonly items: Map<number, ChainLink>;
  readonly objectives: Map<number, ChainLink | null>;
}

export function createLinkCache(): LinkCache {
  return { milestones: new Map(), items: new Map(), objectives: new Map() };
}

function frozenLink(step: ChainStep, owner: string | null): ChainLink {
  Object.freeze(step.figures);
  return Object.freeze({ step: Object.freeze(step), owner });
}

/** What the source said about a work item, or what we forecast for it: the start of a chain. */
function workItemStep(context: ChainContext, slot: number): ChainStep {
  const { work, asOf } = context;
  const item = work.items[slot]!;
  const key = item.key;
  const finish = dateOrNull(work.finish[slot]!);
  const due = context.changes.get(key)?.changes.find((change) => change.field === 'dueDate');
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
  if (item.statusCategory === 'done') {
    return {
      kind: 'work_item',
      id: key,
      text: `${key} done ${item.doneDate ?? 'on an unknown date'}`,
      figures: item.doneDate === null ? {} : { doneDate: item.doneDate },
    };
  }
  const finishText: IsoDate = finish ?? 'unknown';
  const blocker = work.pushedBy[slot]!;
  let text = `${key} forecast to finish ${finishText}`;
  if (blocker >= 0) text += `, after its blocker ${work.items[blocker]!.key}`;
  else if (item.dueDate !== null && item.dueDate < asOf) {
    text = `${key} past its due date ${item.dueDate}, forecast to finish ${finishText}`;
  }
  return {
    kind: 'work_item',
    id: key,
    text,
    figures: finish === null ? {} : { forecastFinish: finish },
  };
}

export function itemLink(context: ChainContext, cache: LinkCache, slot: number): ChainLink {
  let link = cache.items.get(slot);
  if (link === undefined) {
    link = frozenLink(workItemStep(context, slot), null);
    cache.items.set(slot, link);
  }
  return link;
}

export function milestoneLink(context: ChainContext, cache: LinkCache, m: number): ChainLink {
  let link = cache.milestones.get(m);
  if (link === undefined) {
    const { plan, milestones } = context;
    const id = plan.milestones[m]!.id;
    const plannedDate = plan.milestones[m]!.plannedDate;
    const forecastDate = dateOf(milestones.forecast[m]!);
    const slip = milestones.slip[m]!;
    // Levelled: the date without the bottleneck stays as the explanation of the difference.
    const free = milestones.unconstrained[m]!;
    const levelled = free === milestones.forecast[m] ? null : dateOf(free);
    link = frozenLink(
      {
        kind: 'milestone',
        id,
        text: `${id} forecast ${forecastDate}, ${formatWorkingDays(slip, true)} (plan ${plannedDate}${levelled === null ? '' : `; ${levelled} without the resource bottleneck`})`,
        figures: {
          plannedDate,
          forecastDate,
          slipWorkingDays: slip,
          ...(levelled === null ? {} : { unconstrainedDate: levelled }),
        },
      },
      ownerOfMilestone(plan, m),
    );
    cache.milestones.set(m, link);
  }
  return link;
}

/** The link naming an objective's derived status, owned by the objective's owner. */
export function objectiveLink(
  context: ChainContext,
  cache: LinkCache,
  o: number,
): ChainLink | null {
  let link = cache.objectives.get(o);
  if (link === undefined) {
    const derived = context.objectiveStatus(o);
    const objective = context.plan.plan.objectives[o]!;
    link =
      derived === undefined
        ? null
        : frozenLink(
            {
              kind: 'objective',
              id: objective.id,
              text: `${objective.id} ${statusWords(derived.status)}`,
              figures: { status: derived.status },
            },
            objective.owner,
          );
    cache.objectives.set(o, link);
  }
  return link;
}

/** Where a slot's "pushed by" chain starts and how many hops away it is, remembered per pass. */
export type RootMemo = Map<number, { root: number; hops: number }>;

function workRoot(work: WorkModel, slot: number, memo: RootMemo): { root: number; hops: number } {
  const trail: number[] = [];
  let current = slot;
  let known = memo.get(current);
  while (known === undefined) {
    const parent = work.pushedBy[current]!;
    // The pushed-by links are acyclic by construction; the bound only guards against bad input.
    if (parent < 0 || trail.length > work.count) {
      known = { root: current, hops: 0 };
      memo.set(current, known);
      break;
    }
    trail.push(current);
    current = parent;
    known = memo.get(current);
  }
  for (let at = trail.length - 1; at >= 0; at -= 1) {
    known = { root: known.root, hops: known.hops + 1 };
    memo.set(trail[at]!, known);
  }
  return known;
}

/** The links along a path; the one after a gap says how many upstream nodes it leaves out. */
function pushAlong(
  out: ChainLink[],
  nodes: readonly number[],
  omitted: number,
  link: (node: number) => ChainLink,
  nodesCalled: 'milestones' | 'work items',
): void {
  for (let at = 0; at < nodes.length; at += 1) {
    const plain = link(nodes[at]!);
    if (at !== 1 || omitted === 0) {
      out.push(plain);
      continue;
    }
    const figure = nodesCalled === 'milestones' ? 'milestonesNotShown' : 'workItemsNotShown';
    out.push(
      frozenLink(
        {
          ...plain.step,
          text: `${plain.step.text} (${omitted} ${nodesCalled} upstream not shown)`,
          figures: { ...plain.step.figures, [figure]: omitted },
        },
        plain.owner,
      ),
    );
  }
}

/**
 * The links from the source event to a milestone: the work item that drives the first
 * milestone of its chain (and the blockers that pushed that item), then each milestone whose
 * dependency pushed the next.
 */
export function linksToMilestone(
  context: ChainContext,
  cache: LinkCache,
  m: number,
  memo: RootMemo,
): ChainLink[] {
  const { plan, work, milestones } = context;
  const root = milestones.root[m]!;
  const nearest: number[] = [];
  let current = m;
  while (current !== root && nearest.length < MAX_CHAIN_LINKS) {
    nearest.push(current);
    current = plan.depFrom[milestones.driverDep[current]!]!;
  }
  nearest.push(root);
  nearest.reverse();
  const links: ChainLink[] = [];
  // The root's own work set its date (no dependency did): that work item starts the chain.
  const source = milestones.basisSlot[root]!;
  if (source >= 0) {
    const { root: first, hops } = workRoot(work, source, memo);
    const path: number[] = [];
    let at = source;
    while (at !== first && path.length < MAX_CHAIN_LINKS) {
      path.push(at);
      at = work.pushedBy[at]!;
    }
    path.push(first);
    path.reverse();
    pushAlong(
      links,
      path,
      hops + 1 - path.length,
      (s) => itemLink(context, cache, s),
      'work items',
    );
  }
  pushAlong(
    links,
    nearest,
    milestones.hops[m]! + 1 - nearest.length,
    (node) => milestoneLink(context, cache, node),
    'milestones',
  );
  return links;
}

/**
 * What a signal's chain says, as numbers: equal signatures mean equal chains, text and figures
 * included. An engine that follows events compares signatures to tell which signals changed,
 * and makes the signal objects only when someone reads them.
 */
export interface SignatureCache {
  /** The content of each work item's chain step, interned to a number. */
  readonly itemContent: Map<number, number>;
  readonly interned: Map<string, number>;
  /**
   * Each milestone's chain signature as last made (`signatureToMilestone`), by position, with a
   * version that moves exactly when the chain reads differently, and whether it still holds (an
   * event that may change a chain marks it stale: `forgetChains`).
   */
  readonly chains: (ChainVersion | undefined)[];
  /** The next version to give: versions are never given twice. */
  nextVersion: number;
  /** A list signatures are made into before they are compared with the one kept. */
  readonly scratch: number[];
}

interface ChainVersion {
  chain: number[];
  version: number;
  holds: boolean;
}

/** A cache for the chains of `count` milestones (by position). */
export function createSignatureCache(count: number): SignatureCache {
  return {
    itemContent: new Map(),
    interned: new Map(),
    chains: new Array<ChainVersion | undefined>(count),
    nextVersion: 0,
    scratch: [],
  };
}

/** Marks the chains of some milestones stale: they are made again when next asked for. */
export function forgetChains(cache: SignatureCache, milestones: Iterable<number>): void {
  for (const m of milestones) {
    const known = cache.chains[m];
    if (known !== undefined) known.holds = false;
  }
}

/**
 * The version of a milestone's chain signature: equal versions, equal chains. Made again only
 * when the chain was marked stale since; a chain made again that reads as before keeps its
 * version.
 */
export function chainVersion(
  context: ChainContext,
  cache: SignatureCache,
  m: number,
  memo: RootMemo,
): number {
  const known = cache.chains[m];
  if (known?.holds === true) return known.version;
  // Written over a list kept with the cache (never shortened, so never grown again): a chain
  // that reads as before (most chains an event marks stale) costs no new list, and one that
  // changed is copied into the list it had.
  const scratch = cache.scratch;
  const length =
    signatureFromDriver(context, cache, m, scratch) ??
    signatureToMilestone(context, cache, m, memo, scratch, 0);
  if (known !== undefined) {
    known.holds = true;
    if (!samePrefix(known.chain, scratch, length)) {
      copyPrefix(scratch, length, known.chain);
      known.version = cache.nextVersion;
      cache.nextVersion += 1;
    }
    return known.version;
  }
  const version = cache.nextVersion;
  cache.nextVersion += 1;
  cache.chains[m] = { chain: scratch.slice(0, length), version, holds: true };
  return version;
}

/**
 * A milestone's chain signature (`signatureToMilestone`) from the one its driver holds, when it
 * holds: the chains along a path share their work items and all but their nearest milestone, so
 * the driver's is copied (its farthest milestone but the root left out once the chain is full)
 * instead of walking the path again. Undefined when the driver's chain is not kept or not current.
 */
function signatureFromDriver(
  context: ChainContext,
  cache: SignatureCache,
  m: number,
  out: number[],
): number | undefined {
  const { plan, milestones } = context;
  const dependency = milestones.driverDep[m]!;
  if (dependency < 0) return undefined;
  const driver = plan.depFrom[dependency]!;
  const root = milestones.root[m]!;
  if (
    root === m ||
    milestones.root[driver] !== root ||
    milestones.hops[m] !== milestones.hops[driver]! + 1
  )
    return undefined;
  const known = cache.chains[driver];
  if (known?.holds !== true) return undefined;
  const from = known.chain;
  // The work items: the same stretch, copied whole.
  const workCount = from[0]!;
  const workEnd = workCount === 0 ? 1 : 2 * workCount + 2;
  for (let at = 0; at < workEnd; at += 1) out[at] = from[at]!;
  // The milestones: this one, then the driver's nearest (all but its root), then the root.
  const shownBefore = from[workEnd]! - 1;
  const kept = Math.min(shownBefore, MAX_CHAIN_LINKS - 1);
  let end = workEnd;
  out[end++] = kept + 2;
  out[end++] = m;
  out[end++] = milestones.forecast[m]!;
  out[end++] = milestones.slip[m]!;
  out[end++] = milestones.unconstrained[m]!;
  const links = workEnd + 1;
  for (let at = links; at < links + 4 * kept; at += 1) out[end++] = from[at]!;
  const rootAt = links + 4 * shownBefore;
  for (let at = rootAt; at < rootAt + 4; at += 1) out[end++] = from[at]!;
  out[end++] = milestones.hops[m] + 1 - (kept + 2);
  return end;
}

/** True when `a` reads as the first `length` numbers of `b`. */
function samePrefix(a: readonly number[], b: readonly number[], length: number): boolean {
  if (a.length !== length) return false;
  for (let at = 0; at < length; at += 1) if (a[at] !== b[at]) return false;
  return true;
}

/** Makes `to` read as `from`, in place. */
export function copyNumbers(from: readonly number[], to: number[]): void {
  copyPrefix(from, from.length, to);
}

/** Makes `to` read as the first `length` numbers of `from`, in place. */
function copyPrefix(from: readonly number[], length: number, to: number[]): void {
  // Setting a list's length is a call into the runtime: only when it changes.
  if (to.length > length) to.length = length;
  for (let at = 0; at < length; at += 1) to[at] = from[at]!;
}

function itemContent(context: ChainContext, cache: SignatureCache, slot: number): number {
  let id = cache.itemContent.get(slot);
  if (id === undefined) {
    const step = workItemStep(context, slot);
    const text = `${step.text}\u0000${JSON.stringify(step.figures)}`;
    id = cache.interned.get(text);
    if (id === undefined) {
      id = cache.interned.size;
      cache.interned.set(text, id);
    }
    cache.itemContent.set(slot, id);
  }
  return id;
}

/**
 * Writes the signature of the links to a milestone (see linksToMilestone) into `out` from `from`
 * on, and says where it ends: the work items and what each says, how many were left out, the
 * milestones with their forecast and slip, how many were left out. Whatever `out` holds past
 * the end is left as it was (a list kept for the purpose is written over, never shortened).
 */
export function signatureToMilestone(
  context: ChainContext,
  cache: SignatureCache,
  m: number,
  memo: RootMemo,
  out: number[],
  from: number,
): number {
  const { plan, work, milestones } = context;
  const root = milestones.root[m]!;
  const source = milestones.basisSlot[root]!;
  let end = from;
  // Each stretch starts with its length, so that two different chains never read alike.
  const workLength = end;
  out[end++] = 0;
  if (source >= 0) {
    const { root: first, hops } = workRoot(work, source, memo);
    let at = source;
    let shown = 0;
    while (at !== first && shown < MAX_CHAIN_LINKS) {
      out[end++] = at;
      out[end++] = itemContent(context, cache, at);
      shown += 1;
      at = work.pushedBy[at]!;
    }
    out[end++] = first;
    out[end++] = itemContent(context, cache, first);
    out[end++] = hops + 1 - (shown + 1);
    out[workLength] = shown + 1;
  }
  const milestoneLength = end;
  out[end++] = 0;
  let current = m;
  let shown = 0;
  while (current !== root && shown < MAX_CHAIN_LINKS) {
    out[end++] = current;
    out[end++] = milestones.forecast[current]!;
    out[end++] = milestones.slip[current]!;
    out[end++] = milestones.unconstrained[current]!;
    shown += 1;
    current = plan.depFrom[milestones.driverDep[current]!]!;
  }
  out[end++] = root;
  out[end++] = milestones.forecast[root]!;
  out[end++] = milestones.slip[root]!;
  out[end++] = milestones.unconstrained[root]!;
  out[end++] = milestones.hops[m]! + 1 - (shown + 1);
  out[milestoneLength] = shown + 1;
  return end;
}
