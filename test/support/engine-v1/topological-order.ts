/** Nodes in an order where every edge runs forward, and the nodes forced through a cycle. */
export interface TopologicalOrder {
  readonly order: Int32Array;
  /** Nodes emitted while some of their predecessors were still pending (they sit on a cycle). */
  readonly forced: readonly number[];
}

/**
 * Orders nodes 0…count−1 so that each edge `from[e] → to[e]` goes from an earlier to a later node
 * (Kahn's algorithm, ties in index order); on a cycle it forces the lowest pending node through
 * instead of stopping, so every node is emitted exactly once.
 */
export function topologicalOrder(
  count: number,
  from: ArrayLike<number>,
  to: ArrayLike<number>,
): TopologicalOrder {
  const edges = from.length;
  const indegree = new Int32Array(count);
  const outStart = new Int32Array(count + 1);
  for (let e = 0; e < edges; e += 1) {
    const origin = from[e]!;
    const target = to[e]!;
    outStart[origin + 1] = outStart[origin + 1]! + 1;
    indegree[target] = indegree[target]! + 1;
  }
  for (let n = 0; n < count; n += 1) outStart[n + 1] = outStart[n + 1]! + outStart[n]!;
  const outFill = outStart.slice(0, count);
  const outNodes = new Int32Array(edges);
  for (let e = 0; e < edges; e += 1) {
    const slot = outFill[from[e]!]!;
    outNodes[slot] = to[e]!;
    outFill[from[e]!] = slot + 1;
  }

  // The order array doubles as the queue: [head, tail) is waiting, [0, head) is emitted.
  const order = new Int32Array(count);
  const queued = new Uint8Array(count);
  let tail = 0;
  for (let n = 0; n < count; n += 1) {
    if (indegree[n] === 0) {
      order[tail] = n;
      tail += 1;
      queued[n] = 1;
    }
  }
  const forced: number[] = [];
  let head = 0;
  let scan = 0;
  while (head < count) {
    if (head === tail) {
      while (queued[scan] === 1) scan += 1;
      order[tail] = scan;
      tail += 1;
      queued[scan] = 1;
      forced.push(scan);
    }
    const node = order[head]!;
    head += 1;
    for (let slot = outStart[node]!; slot < outStart[node + 1]!; slot += 1) {
      const next = outNodes[slot]!;
      const left = indegree[next]! - 1;
      indegree[next] = left;
      if (left === 0 && queued[next] === 0) {
        order[tail] = next;
        tail += 1;
        queued[next] = 1;
      }
    }
  }
  return { order, forced };
}
