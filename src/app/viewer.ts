import { type Action, assertMay, visibility, type Visibility } from '../core/access/policy.ts';
import { emptyPlan } from '../core/plan/diff-plan.ts';
import type { Plan } from '../core/domain/plan.ts';
import type { WorkItem } from '../core/domain/work-item.ts';
import { groupIncidents } from '../core/incidents/group-incidents.ts';
import type { Incident } from '../core/incidents/incident.ts';
import { listSignals, signalVersion } from '../store/signal-store.ts';
import type { AppContext } from './context.ts';
import { deriveSnapshot, readPlan, type Snapshot } from './derive.ts';

/** A person's view: the snapshot (null before any plan) and what the policy lets them see. */
export interface Viewer {
  snapshot: Snapshot | null;
  seen: Visibility;
  incidents: Incident[];
}

/** Work item key → the milestones it delivers: by key, and every child of a linked epic. */
export function workLinksOf(plan: Plan, workItems: readonly WorkItem[]): Map<string, string[]> {
  const links = new Map<string, string[]>();
  const add = (key: string, milestone: string): void => {
    const list = links.get(key);
    if (list === undefined) links.set(key, [milestone]);
    else if (!list.includes(milestone)) list.push(milestone);
  };
  const byEpic = new Map<string, string[]>();
  for (const m of plan.milestones) {
    for (const key of m.work.keys) add(key, m.id);
    for (const epic of m.work.epics) {
      add(epic, m.id);
      byEpic.set(epic, [...(byEpic.get(epic) ?? []), m.id]);
    }
  }
  for (const w of workItems)
    if (w.parentKey !== null) for (const m of byEpic.get(w.parentKey) ?? []) add(w.key, m);
  return links;
}

/** What one snapshot and one version of the signals give every viewer: computed once. */
interface SharedView {
  version: number;
  incidents: Incident[];
  /** Made on the first person's view: the live stream reads the incidents alone. */
  workLinks: Map<string, string[]> | null;
  byPerson: Map<string, Visibility>;
}

// Reads between two writes share the incidents and each person's visibility: a big portfolio
// would otherwise group every open signal again on every request.
const shared = new WeakMap<Snapshot, SharedView>();

async function sharedView(ctx: AppContext, current: Snapshot): Promise<SharedView> {
  const version = await signalVersion(ctx.db);
  let view = shared.get(current);
  if (view?.version !== version) {
    const signals = await listSignals(ctx.db);
    view = {
      version,
      incidents: groupIncidents(current.plan, current.state, signals),
      workLinks: null,
      byPerson: new Map(),
    };
    shared.set(current, view);
  }
  return view;
}

/** The current incidents of a snapshot (shared with every viewer of the same signals). */
export async function currentIncidents(ctx: AppContext, current: Snapshot): Promise<Incident[]> {
  return (await sharedView(ctx, current)).incidents;
}

/**
 * What `personId` may see now: the policy applied to the current plan, with the current
 * incidents (a person sees what an incident affecting them names) and the work's links.
 */
export async function viewerFor(
  ctx: AppContext,
  personId: string,
  snapshot?: Snapshot | null,
): Promise<Viewer> {
  const current =
    snapshot === undefined ? await deriveSnapshot(ctx.db, ctx.clock.asOf(), ctx.model) : snapshot;
  if (current === null) {
    const empty: Plan = emptyPlan();
    return { snapshot: null, seen: visibility(empty, personId), incidents: [] };
  }
  const view = await sharedView(ctx, current);
  let seen = view.byPerson.get(personId);
  if (seen === undefined) {
    view.workLinks ??= workLinksOf(current.plan, current.workItems);
    seen = visibility(current.plan, personId, {
      incidents: view.incidents,
      workLinks: view.workLinks,
    });
    view.byPerson.set(personId, seen);
  }
  return { snapshot: current, seen, incidents: view.incidents };
}

/**
 * Refuses (`access.forbidden`, 403, naming who may) unless the policy lets `personId` do
 * `action` under the current plan; nothing is stored before this passes.
 */
export async function authorize(
  ctx: AppContext,
  personId: string,
  action: Action | ((plan: Plan) => Action),
  path = '$',
): Promise<Plan> {
  const stored = await readPlan(ctx);
  const plan = stored ?? emptyPlan();
  const wanted = typeof action === 'function' ? action(plan) : action;
  // The first plan is applied before anyone is in it: there is nobody to refuse in favour of.
  if (stored === null && wanted.kind === 'plan.apply') return plan;
  assertMay(plan, personId, wanted, path);
  return plan;
}
