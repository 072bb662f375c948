/**
 * Adjacency in compressed rows (CSR): the entries of row r are `list[start[r] … start[r + 1])`.
 * One pair of typed arrays per relation instead of one array per node: a hundred thousand
 * milestones or a million work items cost two allocations, not a million.
 */
export interface Rows {
  readonly start: Int32Array;
  readonly list: Int32Array;
}

/**
 * Groups entries 0…n−1 by their row (`rowOf[e]`, or `value` = e when no values are given),
 * keeping entry order within each row; entries whose row is negative are left out.
 */
export function groupRows(
  rowCount: number,
  rowOf: ArrayLike<number>,
  values?: ArrayLike<number>,
): Rows {
  const n = rowOf.length;
  const start = new Int32Array(rowCount + 1);
  for (let e = 0; e < n; e += 1) {
    const row = rowOf[e]!;
    if (row >= 0) start[row + 1] = start[row + 1]! + 1;
  }
  for (let r = 0; r < rowCount; r += 1) start[r + 1] = start[r + 1]! + start[r]!;
  const fill = start.slice(0, rowCount);
  const list = new Int32Array(start[rowCount]!);
  for (let e = 0; e < n; e += 1) {
    const row = rowOf[e]!;
    if (row < 0) continue;
    const slot = fill[row]!;
    list[slot] = values === undefined ? e : values[e]!;
    fill[row] = slot + 1;
  }
  return { start, list };
}

/** The entries of one row as a plain array (for the few places that read rows rarely). */
export function rowOf(rows: Rows, row: number): number[] {
  const out: number[] = [];
  if (row + 1 >= rows.start.length) return out;
  for (let at = rows.start[row]!; at < rows.start[row + 1]!; at += 1) out.push(rows.list[at]!);
  return out;
}
