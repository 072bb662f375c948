import type { StateIndex } from '../live/state-index.ts';
import { entityHref } from './entity-link.tsx';

/** What the header's search finds. */
export type SearchKind = 'objective' | 'kpi' | 'initiative' | 'milestone' | 'work_item' | 'person';

export const SEARCH_KIND_LABEL: Record<SearchKind, string> = {
  objective: 'Objective',
  kpi: 'KPI',
  initiative: 'Initiative',
  milestone: 'Milestone',
  work_item: 'Work item',
  person: 'Person',
};

/** One thing to find: its name, its code, a line that places it, and where it leads. */
export interface SearchEntry {
  kind: SearchKind;
  id: string;
  name: string;
  /** Where it sits and who owns it: `Initiative · IT · Priya Shah`. */
  detail: string;
  href: string;
}

/** A person of the plan as the plan lists them (`GET /api/v1/plan`, already cut to what the reader may see). */
export interface SearchPerson {
  id: string;
  name: string;
  title?: string | null;
  unit?: string | null;
}

const KIND_ORDER: SearchKind[] = [
  'objective',
  'kpi',
  'initiative',
  'milestone',
  'work_item',
  'person',
];

/**
 * Everything the reader may find, from what the app holds: the live view (which the server has
 * already cut to what this person may see) and the plan's people. Nothing here asks the server.
 */
export function searchEntries(
  index: StateIndex,
  people: readonly SearchPerson[],
  unitName: (id: string) => string = (id) => id,
): SearchEntry[] {
  const entries: SearchEntry[] = [];
  const href = (kind: Exclude<SearchKind, 'person'>, id: string) => entityHref(kind, id) ?? '/';
  const join = (...parts: (string | null | undefined)[]) =>
    parts.filter((p): p is string => p !== null && p !== undefined && p !== '').join(' · ');
  for (const { objective, parent } of index.objectives.values()) {
    entries.push({
      kind: 'objective',
      id: objective.id,
      name: objective.name,
      detail: join(objective.owner?.name, parent === null ? null : `under ${parent.name}`),
      href: href('objective', objective.id),
    });
  }
  for (const { kpi, objectives } of index.kpis.values()) {
    entries.push({
      kind: 'kpi',
      id: kpi.id,
      name: kpi.name,
      detail: join(kpi.owner?.name, objectives[0]?.name),
      href: href('kpi', kpi.id),
    });
  }
  for (const { initiative } of index.initiatives.values()) {
    entries.push({
      kind: 'initiative',
      id: initiative.id,
      name: initiative.name,
      detail: join(unitName(initiative.unit), initiative.owner?.name),
      href: href('initiative', initiative.id),
    });
  }
  for (const { milestone, initiative } of index.milestones.values()) {
    entries.push({
      kind: 'milestone',
      id: milestone.id,
      name: milestone.name,
      detail: join(initiative.name),
      href: href('milestone', milestone.id),
    });
  }
  for (const { item, milestones } of index.workItems.values()) {
    entries.push({
      kind: 'work_item',
      id: item.key,
      name: item.summary,
      detail: join(item.status, milestones[0]?.name),
      href: href('work_item', item.key),
    });
  }
  for (const p of people) {
    const owns = <T extends { owner: { id: string } | null }>(list: T[]): T[] =>
      list.filter((x) => x.owner?.id === p.id);
    const initiatives = owns([...index.initiatives.values()].map((e) => e.initiative));
    const kpis = owns([...index.kpis.values()].map((e) => e.kpi));
    const objectives = owns([...index.objectives.values()].map((e) => e.objective));
    const owned = initiatives.length + kpis.length + objectives.length;
    entries.push({
      kind: 'person',
      id: p.id,
      name: p.name,
      detail: join(
        p.title,
        p.unit === null || p.unit === undefined ? null : unitName(p.unit),
        owned === 0 ? null : `owns ${owned}`,
      ),
      // What they own: their initiatives on the portfolio, else their KPI or objective, else their unit.
      href:
        initiatives.length > 0
          ? `/initiatives?owner=${encodeURIComponent(p.id)}`
          : kpis[0] !== undefined
            ? href('kpi', kpis[0].id)
            : objectives[0] !== undefined
              ? href('objective', objectives[0].id)
              : p.unit !== null && p.unit !== undefined
                ? (entityHref('unit', p.unit) ?? '/')
                : '/',
    });
  }
  return entries;
}

/** The words of a query, lower case: every one must be found for an entry to match. */
function terms(query: string): string[] {
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter((t) => t !== '');
}

/** How well an entry answers: lower is better; null when it does not. */
function rank(entry: SearchEntry, words: string[]): number | null {
  const name = entry.name.toLowerCase();
  const id = entry.id.toLowerCase();
  const all = `${name} ${id} ${entry.detail.toLowerCase()}`;
  if (!words.every((w) => all.includes(w))) return null;
  const phrase = words.join(' ');
  if (id === phrase) return 0;
  if (name.startsWith(phrase)) return 1;
  if (words.every((w) => new RegExp(`\\b${escape(w)}`).test(name))) return 2;
  if (words.every((w) => name.includes(w))) return 3;
  if (words.every((w) => `${name} ${id}`.includes(w))) return 4;
  return 5;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The entries that match a query, best first (then by kind, then by name); at most `limit`. */
export function searchFor(
  entries: readonly SearchEntry[],
  query: string,
  limit = 30,
): SearchEntry[] {
  const words = terms(query);
  if (words.length === 0) return [];
  const found: { entry: SearchEntry; rank: number }[] = [];
  for (const entry of entries) {
    const r = rank(entry, words);
    if (r !== null) found.push({ entry, rank: r });
  }
  found.sort(
    (a, b) =>
      a.rank - b.rank ||
      KIND_ORDER.indexOf(a.entry.kind) - KIND_ORDER.indexOf(b.entry.kind) ||
      a.entry.name.localeCompare(b.entry.name),
  );
  return found.slice(0, limit).map((f) => f.entry);
}
