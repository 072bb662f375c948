import type { Plan } from './domain/plan.ts';
import type { ChainStep, Signal } from './domain/state.ts';
import type { WorkItem } from './domain/work-item.ts';

/** A source whose data is older than the allowed age. */
export interface StaleSourceFact {
  source: string;
  /** The allowed age that was passed, in minutes. */
  thresholdMinutes: number;
  /** The last successful read, or null when none ever succeeded. */
  lastSuccessAt: string | null;
  /** Why the last attempt failed, when it did. */
  lastError: string | null;
}

/** How many affected milestones a staleness chain names before it summarises. */
const LISTED_MILESTONES = 10;

/**
 * One signal per stale source that the plan depends on: the milestones whose linked work comes
 * from it, and their owners — "data older than N minutes". A source nobody depends on raises
 * nothing.
 */
export function raiseStalenessSignals(
  plan: Plan,
  workItems: Iterable<WorkItem>,
  stale: readonly StaleSourceFact[],
): Signal[] {
  if (stale.length === 0) return [];
  const sourceOf = new Map<string, string>();
  const epicSource = new Map<string, Set<string>>();
  for (const item of workItems) {
    sourceOf.set(item.key, item.source);
    if (item.parentKey === null) continue;
    const sources = epicSource.get(item.parentKey) ?? new Set<string>();
    sources.add(item.source);
    epicSource.set(item.parentKey, sources);
  }
  const initiativeOwner = new Map(plan.initiatives.map((i) => [i.id, i.owner]));
  const ownerOf = (milestone: Plan['milestones'][number]): string | undefined =>
    milestone.owner ?? initiativeOwner.get(milestone.initiative);
  const signals: Signal[] = [];
  for (const fact of stale) {
    const dependents = plan.milestones.filter(
      (m) =>
        m.work.keys.some((k) => sourceOf.get(k) === fact.source) ||
        m.work.epics.some((e) => epicSource.get(e)?.has(fact.source) === true),
    );
    if (dependents.length === 0) continue;
    const since =
      fact.lastSuccessAt === null
        ? 'no successful read yet'
        : `last successful read ${fact.lastSuccessAt}`;
    const first: ChainStep = {
      kind: 'source',
      id: fact.source,
      text: `${fact.source}: data older than ${fact.thresholdMinutes} minutes (${since}${fact.lastError === null ? '' : `; ${fact.lastError}`})`,
      figures: { thresholdMinutes: fact.thresholdMinutes, lastSuccessAt: fact.lastSuccessAt ?? '' },
    };
    const listed = dependents.slice(0, LISTED_MILESTONES).map((m): ChainStep => ({
      kind: 'milestone',
      id: m.id,
      text: `${m.id} ${m.name}: its forecast rests on work from ${fact.source}`,
      figures: { plannedDate: m.plannedDate },
    }));
    const more = dependents.length - listed.length;
    const owners = [
      ...new Set(dependents.map((m) => ownerOf(m)).filter((o): o is string => o !== undefined)),
    ];
    signals.push({
      id: `source.stale:${fact.source}`,
      kind: 'source.stale',
      subject: { kind: 'source', id: fact.source },
      title: `Data from ${fact.source} is older than ${fact.thresholdMinutes} minutes: ${dependents.length} milestone(s) depend on it${more > 0 ? ` (${more} not listed)` : ''}`,
      chain: [first, ...listed],
      affectedOwners: owners,
    });
  }
  return signals;
}
