import type { Milestone } from '../domain/plan.ts';
import type { WorkItemIndex } from './work-item-index.ts';

/**
 * Finds the work that delivers milestones: the items named by key, and for each epic the epic
 * itself (when present) and every item whose parent is that epic. Each item is listed once.
 */
export function createWorkLinker(index: WorkItemIndex): (milestone: Milestone) => number[] {
  // One stamp per work item instead of a Set per milestone: the stamp says which call last
  // listed it, so dedupe costs nothing to allocate or clear.
  const stamp = new Int32Array(index.items.length).fill(-1);
  let call = -1;
  return (milestone) => {
    call += 1;
    const linked: number[] = [];
    const add = (position: number | undefined): void => {
      if (position === undefined || stamp[position] === call) return;
      stamp[position] = call;
      linked.push(position);
    };
    for (const key of milestone.work.keys) add(index.byKey.get(key));
    for (const epic of milestone.work.epics) {
      add(index.byKey.get(epic));
      for (const child of index.childrenByParent.get(epic) ?? []) add(child);
    }
    return linked;
  };
}
