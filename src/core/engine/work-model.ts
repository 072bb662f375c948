import type { WorkItem } from '../domain/work-item.ts';
import type { Rows } from './compressed-rows.ts';
import { groupRows } from './compressed-rows.ts';
import { NO_DAY, dayOf, dayOrNone } from './day-numbers.ts';
import { type KeyIndex, createKeyIndex } from './key-index.ts';
import type { PlanModel } from './plan-model.ts';

/**
 * The work items as the engine computes on them. Each item has a slot (its position in input
 * order); keys are interned to slots once; "blocked by" links, epic children and the work
 * linked to each milestone are compressed rows of slots. Forecasts live in typed arrays.
 *
 * An engine that takes events also keeps the reverse relations (what an item blocks, which
 * milestones it delivers) and the references still waiting for their item; changes to any
 * relation go into small override maps over the compressed rows, so one event costs what it
 * touches, never a rebuild.
 */
export interface WorkModel {
  readonly asOfDay: number;
  /** Slots in use, deleted ones included (they hold null). */
  count: number;
  items: (WorkItem | null)[];
  readonly slotOf: KeyIndex;
  /** 0 when the item is done; OPEN (1) when open, OPEN | UNDATED (3) when open without a due date. */
  open: Uint8Array;
  /** Forecast finish (open) or done date (done), as a day number; NO_DAY when unknown. */
  finish: Int32Array;
  /** The blocker that pushed each item's finish, or −1. */
  pushedBy: Int32Array;
  /** "Blocked by" links of each item, as slots, in the item's order; unknown keys left out. */
  readonly blockers: Rows;
  readonly blockerOverride: Map<number, Int32Array>;
  /** Links ignored because they closed a cycle of open items (only when `cyclic`). */
  broken: Map<number, number[]>;
  /** True when open items block each other in a cycle: the engine then recomputes in full. */
  cyclic: boolean;
  /** Children of each epic named by a milestone, in slot order. */
  readonly epicChildren: Rows;
  readonly epicChildrenOverride: Map<number, number[]>;
  /** The work linked to each milestone, in the order the rules read it (keys, then epics). */
  readonly linked: Rows;
  readonly linkedOverride: Map<number, Int32Array>;
  /** Only for an engine that takes events (else null / empty). */
  readonly incremental: IncrementalWork | null;
}

interface IncrementalWork {
  /** The items each item blocks. */
  readonly blocks: Rows;
  readonly blocksOverride: Map<number, number[]>;
  /** The milestones each item is linked to. */
  readonly milestonesOf: Rows;
  readonly milestonesOfOverride: Map<number, number[]>;
  /** A key no item holds yet → the items that name it as a blocker. */
  readonly waitingBlockers: Map<string, Set<number>>;
  /** A key no item holds yet → the milestones that name it (as a key or an epic). */
  readonly waitingLinks: Map<string, Set<number>>;
}

/** Flags of `WorkModel.open`: the item is open; it is open and has no due date. */
export const OPEN = 1;
export const UNDATED = 2;

const EMPTY = new Int32Array(0);
const UNVISITED = 0;
const ON_STACK = 1;
const RESOLVED = 2;

/** An open item's own finish: its due date, or as-of once that has passed; NO_DAY without one. */
export function ownFinish(item: WorkItem, asOfDay: number): number {
  if (item.dueDate === null) return NO_DAY;
  const due = dayOf(item.dueDate);
  return due < asOfDay ? asOfDay : due;
}

function rowView(rows: Rows, row: number): Int32Array {
  if (row + 1 >= rows.start.length) return EMPTY;
  return rows.list.subarray(rows.start[row], rows.start[row + 1]);
}

/** The slots that block an item, in its "blocked by" order. */
export function blockersOf(work: WorkModel, slot: number): ArrayLike<number> {
  return work.blockerOverride.get(slot) ?? rowView(work.blockers, slot);
}

/** The slots linked to a milestone, in rule order. */
export function linkedOf(work: WorkModel, milestone: number): ArrayLike<number> {
  return work.linkedOverride.get(milestone) ?? rowView(work.linked, milestone);
}

function childrenOf(work: WorkModel, epic: number): ArrayLike<number> {
  return work.epicChildrenOverride.get(epic) ?? rowView(work.epicChildren, epic);
}

/**
 * Builds the work model and forecasts every item's finish: done items at their done date; open
 * items at their due date (as-of when overdue), never before the items that block them. A blocks
 * cycle is broken where the depth-first walk meets it, exactly as engine v1 did.
 */
export function buildWorkModel(
  plan: PlanModel,
  input: readonly WorkItem[],
  asOfDay: number,
  incremental: boolean,
  base?: BaseWork,
): WorkModel {
  if (base !== undefined && !incremental) {
    const derived = deriveWorkModel(plan, input, asOfDay, base);
    if (derived !== null) return derived;
  }
  // Keys are unique at the source; when one repeats, the last copy is the item.
  let items: (WorkItem | null)[] = incremental ? input.slice() : (input as WorkItem[]);
  let slotOf = indexKeys(items);
  if (slotOf.size !== items.length) {
    const first = slotOf;
    items = items.filter((item, i) => first.get(item!.key) === i);
    slotOf = indexKeys(items);
  }
  const count = items.length;
  // Room for new items, so that most events never grow an array.
  const capacity = incremental ? count + Math.max(64, count >> 4) : count;
  if (incremental) {
    // The items too: filled past the end and cut back, the list keeps its room, so the first new
    // item does not copy every item (tens of ms at a million).
    for (let at = count; at < capacity; at += 1) items.push(null);
    items.length = count;
  }
  const open = new Uint8Array(capacity);
  const finish = new Int32Array(capacity);
  // Every slot below `count` is written below; the room above it starts unpushed.
  const pushedBy = new Int32Array(capacity);
  pushedBy.fill(-1, count);
  const waitingBlockers = new Map<string, Set<number>>();

  // One pass: status, own finish, resolved blockers (rows grow in slot order), epic membership.
  const blockerStart = new Int32Array(count + 1);
  const blockerList = new GrowingList(count >> 3);
  // pushedBy is scratch until the walk fills it: first each item's epic, then linkAll's stamps.
  const epicOfChild = pushedBy;
  const epicAt = plan.epicAt;
  const hasEpics = epicAt.size > 0;
  for (let s = 0; s < count; s += 1) {
    const item = items[s]!;
    const isOpen = item.statusCategory !== 'done';
    open[s] = isOpen ? (item.dueDate === null ? OPEN | UNDATED : OPEN) : 0;
    finish[s] = isOpen ? ownFinish(item, asOfDay) : dayOrNone(item.doneDate);
    blockerStart[s] = blockerList.length;
    const blockedBy = item.blockedBy;
    for (let k = 0; k < blockedBy.length; k += 1) {
      const blocker = slotOf.get(blockedBy[k]!);
      if (blocker !== undefined) blockerList.push(blocker);
      else if (incremental) addTo(waitingBlockers, blockedBy[k]!, s);
    }
    const parent = item.parentKey;
    epicOfChild[s] = hasEpics && parent !== null ? (epicAt.get(parent) ?? -1) : -1;
  }
  blockerStart[count] = blockerList.length;
  const blockers: Rows = { start: blockerStart, list: blockerList.done() };
  const epicChildren = groupRows(epicAt.size, epicOfChild.subarray(0, count));

  const waitingLinks = new Map<string, Set<number>>();
  pushedBy.fill(-1);
  const linked = linkAll(plan, slotOf, epicChildren, pushedBy, incremental ? waitingLinks : null);
  pushedBy.fill(-1);

  const work: WorkModel = {
    asOfDay,
    count,
    items,
    slotOf,
    open,
    finish,
    pushedBy,
    blockers,
    blockerOverride: new Map(),
    broken: new Map(),
    cyclic: false,
    epicChildren,
    epicChildrenOverride: new Map(),
    linked,
    linkedOverride: new Map(),
    incremental: null,
  };
  forecastAllWork(work);
  if (!incremental) return work;

  const blockerOwner = new Int32Array(blockers.list.length);
  for (let s = 0; s < count; s += 1) {
    for (let at = blockerStart[s]!; at < blockerStart[s + 1]!; at += 1) blockerOwner[at] = s;
  }
  const linkedOwner = new Int32Array(linked.list.length);
  for (let m = 0; m + 1 < linked.start.length; m += 1) {
    for (let at = linked.start[m]!; at < linked.start[m + 1]!; at += 1) linkedOwner[at] = m;
  }
  return {
    ...work,
    incremental: {
      blocks: groupRows(count, blockers.list, blockerOwner),
      blocksOverride: new Map(),
      milestonesOf: groupRows(count, linked.list, linkedOwner),
      milestonesOfOverride: new Map(),
      waitingBlockers,
      waitingLinks,
    },
  };
}

function indexKeys(items: readonly (WorkItem | null)[]): KeyIndex {
  // The same room for new keys as the item arrays: growing rehashes every key (190 ms at 1M).
  const index = createKeyIndex(items.length + Math.max(64, items.length >> 4));
  for (let i = 0; i < items.length; i += 1) index.set(items[i]!.key, i);
  return index;
}

function addTo(map: Map<string, Set<number>>, key: string, value: number): void {
  const set = map.get(key);
  if (set === undefined) map.set(key, new Set([value]));
  else set.add(value);
}

/**
 * The work of every milestone: the items named by key, then for each epic the epic itself and
 * its children, each listed once. Keys no item holds are noted in `waiting` when given.
 */
function linkAll(
  plan: PlanModel,
  slotOf: KeyIndex,
  epicChildren: Rows,
  stamp: Int32Array,
  waiting: Map<string, Set<number>> | null,
): Rows {
  const milestones = plan.milestones;
  const start = new Int32Array(milestones.length + 1);
  const list = new GrowingList(slotOf.size + 16);
  for (let m = 0; m < milestones.length; m += 1) {
    start[m] = list.length;
    linkOne(plan, m, slotOf, epicChildren, stamp, waiting, list);
  }
  start[milestones.length] = list.length;
  return { start, list: list.done() };
}

/**
 * One milestone's work, appended to `list`. A stamp per slot (all below `m` at first) says
 * which milestone listed it last: dedupe without a set per milestone.
 */
function linkOne(
  plan: PlanModel,
  m: number,
  slotOf: KeyIndex,
  epicChildren: Rows,
  stamp: Int32Array,
  waiting: Map<string, Set<number>> | null,
  list: GrowingList,
): void {
  const work = plan.milestones[m]!.work;
  for (const key of work.keys) {
    const s = slotOf.get(key);
    if (s === undefined) {
      if (waiting !== null) addTo(waiting, key, m);
    } else if (stamp[s] !== m) {
      stamp[s] = m;
      list.push(s);
    }
  }
  for (const epic of work.epics) {
    const s = slotOf.get(epic);
    if (s === undefined) {
      if (waiting !== null) addTo(waiting, epic, m);
    } else if (stamp[s] !== m) {
      stamp[s] = m;
      list.push(s);
    }
    const e = plan.epicAt.get(epic)!;
    for (let at = epicChildren.start[e]!; at < epicChildren.start[e + 1]!; at += 1) {
      const child = epicChildren.list[at]!;
      if (stamp[child] !== m) {
        stamp[child] = m;
        list.push(child);
      }
    }
  }
}

/** A work model built for another plan over the same work items and as-of day. */
export interface BaseWork {
  readonly plan: PlanModel;
  readonly work: WorkModel;
}

/**
 * The work model of `plan` from one built for another plan (a scenario's base) over the very
 * same work items and as-of day: what each item forecasts reads only the items, so those arrays
 * are shared (a model that takes no events never writes them after it is built); the epics'
 * children are the base's rows by epic key, and each milestone whose work is the base's own
 * object keeps its row. Null when the base cannot serve (other items, a model that takes events,
 * an epic the base does not know): then the model is built in full.
 */
function deriveWorkModel(
  plan: PlanModel,
  input: readonly WorkItem[],
  asOfDay: number,
  base: BaseWork,
): WorkModel | null {
  const old = base.work;
  if (old.incremental !== null || old.items !== input || old.asOfDay !== asOfDay) return null;
  const oldPlan = base.plan;
  // The epics in this plan's numbering (first met in milestone order, as `modelPlan` numbers them).
  const epicStart = new Int32Array(plan.epicAt.size + 1);
  const epicList = new GrowingList(old.epicChildren.list.length);
  let epics = 0;
  for (const milestone of plan.milestones)
    for (const epic of milestone.work.epics) {
      if (plan.epicAt.get(epic) !== epics) continue;
      const e = oldPlan.epicAt.get(epic);
      if (e === undefined) return null;
      epicStart[epics] = epicList.length;
      const children = childrenOf(old, e);
      for (let k = 0; k < children.length; k += 1) epicList.push(children[k]!);
      epics += 1;
    }
  if (epics !== plan.epicAt.size) return null;
  epicStart[epics] = epicList.length;
  const epicChildren: Rows = { start: epicStart, list: epicList.done() };

  const count = plan.milestones.length;
  const start = new Int32Array(count + 1);
  const list = new GrowingList(old.linked.list.length + 16);
  let stamp: Int32Array | null = null;
  for (let m = 0; m < count; m += 1) {
    start[m] = list.length;
    const milestone = plan.milestones[m]!;
    const o = oldPlan.milestoneAt.get(milestone.id);
    if (o !== undefined && oldPlan.milestones[o]!.work === milestone.work) {
      const row = linkedOf(old, o);
      for (let k = 0; k < row.length; k += 1) list.push(row[k]!);
      continue;
    }
    if (stamp === null) stamp = new Int32Array(old.count).fill(-1);
    linkOne(plan, m, old.slotOf, epicChildren, stamp, null, list);
  }
  start[count] = list.length;
  return {
    asOfDay,
    count: old.count,
    items: old.items,
    slotOf: old.slotOf,
    open: old.open,
    finish: old.finish,
    pushedBy: old.pushedBy,
    blockers: old.blockers,
    blockerOverride: new Map(),
    broken: old.broken,
    cyclic: old.cyclic,
    epicChildren,
    epicChildrenOverride: new Map(),
    linked: { start, list: list.done() },
    linkedOverride: new Map(),
    incremental: null,
  };
}

/** An Int32Array that grows by doubling: a million entries without a million-slot JS array. */
class GrowingList {
  private buffer: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.buffer = new Int32Array(Math.max(16, capacity));
  }

  push(value: number): void {
    if (this.length === this.buffer.length) {
      const bigger = new Int32Array(this.buffer.length * 2);
      bigger.set(this.buffer);
      this.buffer = bigger;
    }
    this.buffer[this.length] = value;
    this.length += 1;
  }

  /** The entries, without a copy when the buffer is full. */
  done(): Int32Array {
    return this.length === this.buffer.length ? this.buffer : this.buffer.subarray(0, this.length);
  }
}

/**
 * Engine v1's walk, on slots: depth first over "blocked by" links with an explicit stack (a
 * chain of a million blockers must not overflow the call stack); a done item keeps its done
 * date; an item met again while on the stack closes a cycle, and that link is ignored.
 */
function forecastAllWork(work: WorkModel): void {
  const { count, open, finish, pushedBy, blockers } = work;
  const start = blockers.start;
  const list = blockers.list;
  const state = new Uint8Array(count);
  const stackItem: number[] = [];
  const stackAt: number[] = [];
  const broken = new Map<number, number[]>();
  for (let root = 0; root < count; root += 1) {
    if (state[root] !== UNVISITED) continue;
    // A done item finished when it finished; an item blocked by nothing is already final.
    if (open[root] === 0 || start[root] === start[root + 1]) {
      state[root] = RESOLVED;
      continue;
    }
    state[root] = ON_STACK;
    stackItem.push(root);
    stackAt.push(start[root]!);
    while (stackItem.length > 0) {
      const top = stackItem.length - 1;
      const item = stackItem[top]!;
      let at = stackAt[top]!;
      const end = start[item + 1]!;
      let descended = false;
      while (at < end) {
        const blocker = list[at]!;
        if (state[blocker] === UNVISITED) {
          if (open[blocker] !== 0 && start[blocker] !== start[blocker + 1]) {
            state[blocker] = ON_STACK;
            stackAt[top] = at;
            stackItem.push(blocker);
            stackAt.push(start[blocker]!);
            descended = true;
            break;
          }
          state[blocker] = RESOLVED;
        }
        at += 1;
        if (state[blocker] === ON_STACK) {
          const known = broken.get(item);
          if (known === undefined) broken.set(item, [blocker]);
          else known.push(blocker);
          continue;
        }
        const blockerFinish = finish[blocker]!;
        const current = finish[item]!;
        if (blockerFinish !== NO_DAY && (current === NO_DAY || blockerFinish > current)) {
          finish[item] = blockerFinish;
          pushedBy[item] = blocker;
        }
      }
      if (descended) continue;
      state[item] = RESOLVED;
      stackItem.pop();
      stackAt.pop();
    }
  }
  work.broken = broken;
  work.cyclic = broken.size > 0;
}

// ---------------------------------------------------------------------------------------------
// Events

/** What an event did to the work, for the layers above to follow. */
export interface WorkTouch {
  /** Items whose own data changed (or that appeared or went): their forecast is recomputed. */
  readonly items: Set<number>;
  /** Milestones whose list of linked work changed. */
  readonly relinked: Set<number>;
  /** Items whose "blocked by" links changed or that reopened: a new cycle could run through them. */
  readonly structural: Set<number>;
}

function incrementalOf(work: WorkModel): IncrementalWork {
  if (work.incremental === null) throw new Error('this work model takes no events');
  return work.incremental;
}

function mutableRow(rows: Rows, override: Map<number, number[]>, row: number): number[] {
  let list = override.get(row);
  if (list === undefined) {
    list = Array.from(rowView(rows, row));
    override.set(row, list);
  }
  return list;
}

function removeValue(list: number[], value: number): void {
  const at = list.indexOf(value);
  if (at >= 0) list.splice(at, 1);
}

/** The items an item blocks. */
export function blocksOf(work: WorkModel, slot: number): ArrayLike<number> {
  const inc = incrementalOf(work);
  return inc.blocksOverride.get(slot) ?? rowView(inc.blocks, slot);
}

/** The milestones an item is linked to. */
export function milestonesOfItem(work: WorkModel, slot: number): ArrayLike<number> {
  const inc = incrementalOf(work);
  return inc.milestonesOfOverride.get(slot) ?? rowView(inc.milestonesOf, slot);
}

function grow(work: WorkModel, needed: number): void {
  if (needed <= work.open.length) return;
  const size = Math.max(needed, Math.ceil(work.open.length * 1.5) + 64);
  const open = new Uint8Array(size);
  open.set(work.open);
  const finish = new Int32Array(size);
  finish.set(work.finish);
  const pushedBy = new Int32Array(size).fill(-1);
  pushedBy.set(work.pushedBy);
  work.open = open;
  work.finish = finish;
  work.pushedBy = pushedBy;
}

/** Points an item's "blocked by" links at the slots its keys name now. */
function resolveBlockers(work: WorkModel, slot: number): void {
  const inc = incrementalOf(work);
  const item = work.items[slot];
  const before = blockersOf(work, slot);
  for (let k = 0; k < before.length; k += 1) {
    removeValue(mutableRow(inc.blocks, inc.blocksOverride, before[k]!), slot);
  }
  const after: number[] = [];
  for (const key of item?.blockedBy ?? []) {
    const blocker = work.slotOf.get(key);
    if (blocker === undefined) {
      addTo(inc.waitingBlockers, key, slot);
      continue;
    }
    after.push(blocker);
    const blocks = mutableRow(inc.blocks, inc.blocksOverride, blocker);
    if (!blocks.includes(slot)) blocks.push(slot);
  }
  work.blockerOverride.set(slot, after.length === 0 ? EMPTY : Int32Array.from(after));
}

/** Lists a milestone's linked work again, after an item it names appeared, went or moved. */
function relink(work: WorkModel, plan: PlanModel, milestone: number): void {
  const inc = incrementalOf(work);
  const before = linkedOf(work, milestone);
  for (let k = 0; k < before.length; k += 1) {
    removeValue(mutableRow(inc.milestonesOf, inc.milestonesOfOverride, before[k]!), milestone);
  }
  const after: number[] = [];
  const seen = new Set<number>();
  const add = (slot: number): void => {
    if (seen.has(slot)) return;
    seen.add(slot);
    after.push(slot);
    mutableRow(inc.milestonesOf, inc.milestonesOfOverride, slot).push(milestone);
  };
  const links = plan.milestones[milestone]!.work;
  for (const key of links.keys) {
    const s = work.slotOf.get(key);
    if (s === undefined) addTo(inc.waitingLinks, key, milestone);
    else add(s);
  }
  for (const epic of links.epics) {
    const s = work.slotOf.get(epic);
    if (s === undefined) addTo(inc.waitingLinks, epic, milestone);
    else add(s);
    const children = childrenOf(work, plan.epicAt.get(epic)!);
    for (let k = 0; k < children.length; k += 1) add(children[k]!);
  }
  work.linkedOverride.set(milestone, Int32Array.from(after));
}

function epicMilestonesInto(plan: PlanModel, epic: number, into: Set<number>): void {
  const rows = plan.epicMilestones;
  for (let at = rows.start[epic]!; at < rows.start[epic + 1]!; at += 1) into.add(rows.list[at]!);
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k += 1) if (a[k] !== b[k]) return false;
  return true;
}

function insertSorted(list: number[], value: number): void {
  let at = list.length;
  while (at > 0 && list[at - 1]! > value) at -= 1;
  list.splice(at, 0, value);
}

/** Takes a new or changed item; says what it touched. */
export function upsertWorkItem(work: WorkModel, plan: PlanModel, item: WorkItem): WorkTouch {
  const inc = incrementalOf(work);
  const touch: WorkTouch = { items: new Set(), relinked: new Set(), structural: new Set() };
  let slot = work.slotOf.get(item.key);
  if (slot === undefined) {
    slot = work.count;
    work.count += 1;
    grow(work, work.count);
    work.items[slot] = item;
    work.slotOf.set(item.key, slot);
    touch.items.add(slot);
    touch.structural.add(slot);
    resolveBlockers(work, slot);
    // Items that named this key as a blocker before it existed are blocked by it now.
    const waiting = inc.waitingBlockers.get(item.key);
    inc.waitingBlockers.delete(item.key);
    for (const other of waiting ?? []) {
      if (work.items[other]?.blockedBy.includes(item.key) !== true) continue;
      resolveBlockers(work, other);
      touch.items.add(other);
      touch.structural.add(other);
    }
    for (const milestone of inc.waitingLinks.get(item.key) ?? []) touch.relinked.add(milestone);
    inc.waitingLinks.delete(item.key);
    const ownEpic = plan.epicAt.get(item.key);
    if (ownEpic !== undefined) epicMilestonesInto(plan, ownEpic, touch.relinked);
    const parentEpic = item.parentKey === null ? undefined : plan.epicAt.get(item.parentKey);
    if (parentEpic !== undefined) {
      mutableRow(work.epicChildren, work.epicChildrenOverride, parentEpic).push(slot);
      epicMilestonesInto(plan, parentEpic, touch.relinked);
    }
  } else {
    const before = work.items[slot]!;
    work.items[slot] = item;
    touch.items.add(slot);
    if (!sameKeys(before.blockedBy, item.blockedBy)) {
      resolveBlockers(work, slot);
      touch.structural.add(slot);
    }
    if (before.statusCategory === 'done' && item.statusCategory !== 'done') {
      touch.structural.add(slot);
    }
    if (before.parentKey !== item.parentKey) {
      const was = before.parentKey === null ? undefined : plan.epicAt.get(before.parentKey);
      const now = item.parentKey === null ? undefined : plan.epicAt.get(item.parentKey);
      if (was !== undefined) {
        removeValue(mutableRow(work.epicChildren, work.epicChildrenOverride, was), slot);
        epicMilestonesInto(plan, was, touch.relinked);
      }
      if (now !== undefined) {
        insertSorted(mutableRow(work.epicChildren, work.epicChildrenOverride, now), slot);
        epicMilestonesInto(plan, now, touch.relinked);
      }
    }
  }
  for (const milestone of touch.relinked) relink(work, plan, milestone);
  return touch;
}

/** Forgets an item the source deleted; says what it touched. */
export function deleteWorkItem(work: WorkModel, plan: PlanModel, key: string): WorkTouch {
  const inc = incrementalOf(work);
  const touch: WorkTouch = { items: new Set(), relinked: new Set(), structural: new Set() };
  const slot = work.slotOf.get(key);
  if (slot === undefined) return touch;
  const item = work.items[slot]!;
  const linkedTo = milestonesOfItem(work, slot);
  for (let k = 0; k < linkedTo.length; k += 1) touch.relinked.add(linkedTo[k]!);
  const parentEpic = item.parentKey === null ? undefined : plan.epicAt.get(item.parentKey);
  if (parentEpic !== undefined) {
    removeValue(mutableRow(work.epicChildren, work.epicChildrenOverride, parentEpic), slot);
  }
  // The index reads keys from the items: forget the key before the item.
  work.slotOf.delete(key);
  work.items[slot] = null;
  // What it blocked now names a key no item holds.
  for (const other of Array.from(blocksOf(work, slot))) {
    resolveBlockers(work, other);
    touch.items.add(other);
  }
  resolveBlockers(work, slot);
  inc.blocksOverride.set(slot, []);
  touch.items.add(slot);
  for (const milestone of touch.relinked) relink(work, plan, milestone);
  inc.milestonesOfOverride.set(slot, []);
  return touch;
}

/** True when an open item can reach itself through "blocked by" links between open items. */
export function closesCycle(work: WorkModel, slot: number): boolean {
  const isOpen = (s: number): boolean => {
    const item = work.items[s];
    return item !== null && item !== undefined && item.statusCategory !== 'done';
  };
  if (!isOpen(slot)) return false;
  const seen = new Set<number>();
  const stack = [slot];
  while (stack.length > 0) {
    const current = stack.pop()!;
    const blockers = blockersOf(work, current);
    for (let k = 0; k < blockers.length; k += 1) {
      const blocker = blockers[k]!;
      if (blocker === slot) return true;
      if (seen.has(blocker) || !isOpen(blocker)) continue;
      seen.add(blocker);
      stack.push(blocker);
    }
  }
  return false;
}

/**
 * Recomputes the forecast of the given items and of everything their finish moves, through the
 * items they block; returns every item whose status, finish or pushing blocker changed, and the
 * given ones. Valid while the open items are free of cycles.
 */
export function reforecastWork(work: WorkModel, seeds: Iterable<number>): Set<number> {
  const changed = new Set<number>();
  const queue: number[] = [];
  const queued = new Set<number>();
  for (const seed of seeds) {
    changed.add(seed);
    queue.push(seed);
    queued.add(seed);
  }
  const { open, finish, pushedBy, asOfDay } = work;
  for (let head = 0; head < queue.length; head += 1) {
    const slot = queue[head]!;
    queued.delete(slot);
    const item = work.items[slot] ?? null;
    let nowOpen = 0;
    let nowFinish = NO_DAY;
    let nowPushedBy = -1;
    if (item !== null) {
      if (item.statusCategory === 'done') {
        nowFinish = dayOrNone(item.doneDate);
      } else {
        nowOpen = item.dueDate === null ? OPEN | UNDATED : OPEN;
        nowFinish = ownFinish(item, asOfDay);
        const blockers = blockersOf(work, slot);
        for (let k = 0; k < blockers.length; k += 1) {
          const blocker = blockers[k]!;
          const blockerFinish = finish[blocker]!;
          if (blockerFinish !== NO_DAY && (nowFinish === NO_DAY || blockerFinish > nowFinish)) {
            nowFinish = blockerFinish;
            nowPushedBy = blocker;
          }
        }
      }
    }
    const moved = nowFinish !== finish[slot];
    if (moved || nowOpen !== open[slot] || nowPushedBy !== pushedBy[slot]) changed.add(slot);
    open[slot] = nowOpen;
    finish[slot] = nowFinish;
    pushedBy[slot] = nowPushedBy;
    if (!moved) continue;
    const blocks = blocksOf(work, slot);
    for (let k = 0; k < blocks.length; k += 1) {
      const other = blocks[k]!;
      if (queued.has(other) || work.items[other]?.statusCategory === 'done') continue;
      queued.add(other);
      queue.push(other);
    }
  }
  return changed;
}

/** The live items in slot order: the input a full recompute of the same state would take. */
export function currentItems(work: WorkModel): WorkItem[] {
  const out: WorkItem[] = [];
  for (let s = 0; s < work.count; s += 1) {
    const item = work.items[s];
    if (item !== null && item !== undefined) out.push(item);
  }
  return out;
}
