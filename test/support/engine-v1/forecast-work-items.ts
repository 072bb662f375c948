import type { IsoDate } from '../../../src/core/domain/plan.ts';
import type { ExplanationStep, WorkItemForecast } from './state.ts';
import type { WorkItem } from '../../../src/core/domain/work-item.ts';
import type { WorkItemIndex } from './work-item-index.ts';

/** Every work item's forecast finish, by position in the index and as the public record by key. */
export interface WorkItemForecasts {
  /** 1 when the item is open (its status category is not `done`). */
  readonly open: Uint8Array;
  /** Forecast finish by position: null when it cannot be told. */
  readonly finish: readonly (IsoDate | null)[];
  /** Position of the blocker that pushed each item's finish, or -1 when none did. */
  readonly pushedBy: Int32Array;
  readonly byKey: Record<string, WorkItemForecast>;
}

const UNVISITED = 0;
const ON_STACK = 1;
const RESOLVED = 2;

/** The finish an open item promises by itself: its due date, or asOf once that has passed. */
function ownFinish(item: WorkItem, asOf: IsoDate): IsoDate | null {
  if (item.dueDate === null) return null;
  return item.dueDate < asOf ? asOf : item.dueDate;
}

/**
 * Forecasts each work item's finish: done items at their done date; open items at their due date
 * (asOf when overdue), never before the items that block them; a blocks cycle is broken, not looped.
 */
export function forecastWorkItems(index: WorkItemIndex, asOf: IsoDate): WorkItemForecasts {
  const { items, byKey } = index;
  const count = items.length;
  const open = new Uint8Array(count);
  const finish = new Array<IsoDate | null>(count);
  for (let i = 0; i < count; i += 1) {
    const item = items[i]!;
    const isOpen = item.statusCategory !== 'done';
    open[i] = isOpen ? 1 : 0;
    finish[i] = isOpen ? ownFinish(item, asOf) : item.doneDate;
  }

  // Depth-first over "blocked by" links with an explicit stack: a chain of a million blockers
  // must not overflow the call stack, and an item met again while on the stack closes a cycle.
  const pushedBy = new Int32Array(count).fill(-1);
  const state = new Uint8Array(count);
  const cursor = new Int32Array(count);
  const brokenLinks = new Map<number, number[]>();
  const stack: number[] = [];
  for (let root = 0; root < count; root += 1) {
    if (state[root] !== UNVISITED) continue;
    // A done item finished when it finished: its blockers no longer move it.
    if (open[root] === 0) {
      state[root] = RESOLVED;
      continue;
    }
    state[root] = ON_STACK;
    stack.push(root);
    while (stack.length > 0) {
      const item = stack[stack.length - 1]!;
      const blockedBy = items[item]!.blockedBy;
      let position = cursor[item]!;
      let descended = false;
      while (position < blockedBy.length) {
        const blocker = byKey.get(blockedBy[position]!);
        if (blocker === undefined) {
          position += 1;
          continue;
        }
        if (state[blocker] === UNVISITED) {
          if (open[blocker] === 1) {
            state[blocker] = ON_STACK;
            stack.push(blocker);
            descended = true;
            break;
          }
          state[blocker] = RESOLVED;
        }
        position += 1;
        if (state[blocker] === ON_STACK) {
          const broken = brokenLinks.get(item);
          if (broken === undefined) brokenLinks.set(item, [blocker]);
          else broken.push(blocker);
          continue;
        }
        const blockerFinish = finish[blocker] ?? null;
        const current = finish[item] ?? null;
        if (blockerFinish !== null && (current === null || blockerFinish > current)) {
          finish[item] = blockerFinish;
          pushedBy[item] = blocker;
        }
      }
      cursor[item] = position;
      if (descended) continue;
      state[item] = RESOLVED;
      stack.pop();
    }
  }

  const explain = createExplainer(asOf);
  const byKeyRecord: Record<string, WorkItemForecast> = {};
  for (let i = 0; i < count; i += 1) {
    const item = items[i]!;
    if (byKey.get(item.key) !== i) continue;
    const forecastFinish = finish[i] ?? null;
    let explanation = explain(item, open[i] === 1);
    const blocker = pushedBy[i]!;
    const broken = brokenLinks.get(i);
    if (blocker >= 0 || broken !== undefined) {
      explanation = [...explanation];
      if (blocker >= 0) {
        const blockerKey = items[blocker]!.key;
        explanation.push({
          rule: 'work_item.blocked_by',
          text: `${item.key} cannot finish before its blocker ${blockerKey} (${forecastFinish ?? 'unknown'})`,
          ref: { kind: 'work_item', id: blockerKey },
        });
      }
      for (const other of broken ?? []) {
        const otherKey = items[other]!.key;
        explanation.push({
          rule: 'work_item.blocks_cycle',
          text: `${item.key} and ${otherKey} block each other in a cycle; the link from ${otherKey} was ignored`,
          ref: { kind: 'work_item', id: otherKey },
        });
      }
    }
    byKeyRecord[item.key] = { key: item.key, open: open[i] === 1, forecastFinish, explanation };
  }
  return { open, finish, pushedBy, byKey: byKeyRecord };
}

/**
 * Explains an item's own finish. A million items share a few hundred distinct explanations ("due
 * 2026-10-02"), so each is built once and shared, frozen; an item that needs more gets a copy.
 */
function createExplainer(asOf: IsoDate): (item: WorkItem, isOpen: boolean) => ExplanationStep[] {
  // One map per rule, keyed by the date itself: building a combined key would cost a string per item.
  const due = new Map<string, ExplanationStep[]>();
  const overdue = new Map<string, ExplanationStep[]>();
  const done = new Map<string, ExplanationStep[]>();
  const frozen = (rule: string, text: string): ExplanationStep[] =>
    Object.freeze([Object.freeze({ rule, text })]) as ExplanationStep[];
  const once = (
    cache: Map<string, ExplanationStep[]>,
    date: string,
    rule: string,
    text: (date: string) => string,
  ): ExplanationStep[] => {
    let explanation = cache.get(date);
    if (explanation === undefined) {
      explanation = frozen(rule, text(date));
      cache.set(date, explanation);
    }
    return explanation;
  };
  const doneUndated = frozen('work_item.done', 'Done; the source gives no done date');
  const noDueDate = frozen('work_item.no_due_date', 'No due date: its finish is unknown');
  const wasDue = (date: string) =>
    `Was due ${date} and is not done: it cannot finish before ${asOf}`;
  return (item, isOpen) => {
    if (!isOpen) {
      return item.doneDate === null
        ? doneUndated
        : once(done, item.doneDate, 'work_item.done', (date) => `Done on ${date}`);
    }
    if (item.dueDate === null) return noDueDate;
    if (item.dueDate < asOf) return once(overdue, item.dueDate, 'work_item.overdue', wasDue);
    return once(due, item.dueDate, 'work_item.due_date', (date) => `Due ${date}`);
  };
}
