import type { Milestone } from '../../../src/core/domain/plan.ts';
import type { WorkItemIndex } from './work-item-index.ts';

/**
 * Finds the work that delivers a milestone: the items named by key, and for each epic the epic
 * itself (when present) and every item whose parent is that epic, each listed once. The answer
 * is a scratch list, valid until the next call: the caller reads it at once, and a hundred
 * thousand milestones then cost one list instead of one each.
 */
export function createWorkLinker(
  index: WorkItemIndex,
): (milestone: Milestone) => readonly number[] {
  // One stamp per work item instead of a Set per milestone: the stamp says which call last
  // listed it, so dedupe costs nothing to allocate or clear.
  const stamp = new Int32Array(index.items.length).fill(-1);
  const linked: number[] = [];
  let call = -1;
  const add = (position: number | undefined): void => {
    if (position === undefined || stamp[position] === call) return;
    stamp[position] = call;
    linked.push(position);
  };
  return (milestone) => {
    call += 1;
    linked.length = 0;
    for (const key of milestone.work.keys) add(index.byKey.get(key));
    for (const epic of milestone.work.epics) {
      add(index.byKey.get(epic));
      const children = index.childrenByParent.get(epic);
      if (children !== undefined) for (const child of children) add(child);
    }
    return linked;
  };
}
