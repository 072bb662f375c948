import type { Status } from './state.ts';

const RANK: Readonly<Record<Status, number>> = { on_track: 0, at_risk: 1, off_track: 2 };
const WORDS: Readonly<Record<Status, string>> = {
  on_track: 'on track',
  at_risk: 'at risk',
  off_track: 'off track',
};

/** True when status `a` is strictly worse than status `b`. */
export function isWorse(a: Status, b: Status): boolean {
  return RANK[a] > RANK[b];
}

/** The words a person reads for a status: `on track`, `at risk`, `off track`. */
export function statusWords(status: Status): string {
  return WORDS[status];
}
