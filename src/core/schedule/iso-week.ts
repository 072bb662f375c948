import { weekdayOfDay } from './local-time.ts';

/** An ISO week label, `2026-W41`. */
export type IsoWeek = string;

const ISO_WEEK = /^(\d{4})-W(\d{2})$/;
const DAY_MS = 86_400_000;

/** Monday (as a day number) of ISO week 1 of a year: the week that holds 4 January. */
function firstMonday(year: number): number {
  const january4 = Date.UTC(year, 0, 4) / DAY_MS;
  return january4 - (weekdayOfDay(january4) - 1);
}

/** Week numbers read so far, by label. */
const indexes = new Map<IsoWeek, number | undefined>();

/** A running week number (weeks since the Monday of 1970-01-05's week); undefined if not a label. */
export function weekIndex(label: IsoWeek): number | undefined {
  if (indexes.has(label)) return indexes.get(label);
  const index = readIndex(label);
  if (indexes.size < 100_000) indexes.set(label, index);
  return index;
}

function readIndex(label: IsoWeek): number | undefined {
  const match = ISO_WEEK.exec(label);
  if (match === null) return undefined;
  const [year, week] = [Number(match[1]), Number(match[2])];
  if (week < 1 || week > 53) return undefined;
  const monday = firstMonday(year) + 7 * (week - 1);
  // Week 53 exists only in years whose last week holds a Thursday of that year.
  if (week === 53 && monday >= firstMonday(year + 1)) return undefined;
  return Math.floor((monday - 4) / 7);
}

/** Labels made so far, by running week number: the engine asks for the same few weeks often. */
const labels = new Map<number, IsoWeek>();

/** The label of a running week number. */
export function weekLabel(index: number): IsoWeek {
  const known = labels.get(index);
  if (known !== undefined) return known;
  const label = makeLabel(index);
  if (labels.size < 100_000) labels.set(index, label);
  return label;
}

function makeLabel(index: number): IsoWeek {
  const monday = index * 7 + 4;
  const thursday = monday + 3;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const week = Math.floor((monday - firstMonday(year)) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The running week number of a day number (days since 1970-01-01): the ISO week that holds it. */
export function weekOfDay(day: number): number {
  return Math.floor((day - 4) / 7);
}

/** The day number of the Monday of a running week number. */
export function mondayOfWeek(week: number): number {
  return week * 7 + 4;
}
