import type { WorkItem } from '../../../src/core/domain/work-item.ts';

/** Work items indexed once: by key, and by parent (epic) key. Positions point into `items`. */
export interface WorkItemIndex {
  readonly items: readonly WorkItem[];
  /** Position of each key; when a key repeats, the last item wins. */
  readonly byKey: ReadonlyMap<string, number>;
  /** Positions of the children of each parent or epic key, in input order. */
  readonly childrenByParent: ReadonlyMap<string, readonly number[]>;
}

/** Indexes work items by key and by parent key in one pass each. */
export function indexWorkItems(items: readonly WorkItem[]): WorkItemIndex {
  const byKey = new Map<string, number>();
  for (let i = 0; i < items.length; i += 1) byKey.set(items[i]!.key, i);
  const childrenByParent = new Map<string, number[]>();
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i]!;
    // A repeated key is one item at the source; only its surviving copy is anyone's child.
    if (item.parentKey === null || byKey.get(item.key) !== i) continue;
    const children = childrenByParent.get(item.parentKey);
    if (children === undefined) childrenByParent.set(item.parentKey, [i]);
    else children.push(i);
  }
  return { items, byKey, childrenByParent };
}
