import { describe, expect, it } from 'vitest';
import { topologicalOrder } from './topological-order.ts';

describe('topologicalOrder', () => {
  it('puts every node after its predecessors', () => {
    const { order, forced } = topologicalOrder(4, [3, 2, 1], [2, 1, 0]);
    expect([...order]).toEqual([3, 2, 1, 0]);
    expect(forced).toEqual([]);
  });

  it('keeps index order among unrelated nodes', () => {
    expect([...topologicalOrder(3, [], []).order]).toEqual([0, 1, 2]);
  });

  it('forces the lowest pending node through a cycle and still emits each node once', () => {
    // 0 -> 1 -> 2 -> 1, and 2 -> 3
    const { order, forced } = topologicalOrder(4, [0, 1, 2, 2], [1, 2, 1, 3]);
    expect([...order]).toEqual([0, 1, 2, 3]);
    expect(forced).toEqual([1]);
  });
});
