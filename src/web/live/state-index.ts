import type {
  InitiativeView,
  KpiView,
  MilestoneView,
  ObjectiveView,
  PersonRef,
  StateView,
  WorkItemRef,
} from '../api/types.ts';

/** The strategic view, indexed: every entity by id, with the objectives it sits under. */
export interface StateIndex {
  objectives: Map<string, { objective: ObjectiveView; parent: ObjectiveView | null }>;
  kpis: Map<string, { kpi: KpiView; objectives: ObjectiveView[] }>;
  initiatives: Map<string, { initiative: InitiativeView; objectives: ObjectiveView[] }>;
  milestones: Map<string, { milestone: MilestoneView; initiative: InitiativeView }>;
  workItems: Map<string, { item: WorkItemRef; milestones: MilestoneView[] }>;
  people: Map<string, PersonRef>;
}

/** Indexes the view once per change. */
export function indexState(state: StateView): StateIndex {
  const index: StateIndex = {
    objectives: new Map(),
    kpis: new Map(),
    initiatives: new Map(),
    milestones: new Map(),
    workItems: new Map(),
    people: new Map(),
  };
  const person = (p: PersonRef | null) => {
    if (p !== null) index.people.set(p.id, p);
  };
  const visit = (o: ObjectiveView, parent: ObjectiveView | null): void => {
    index.objectives.set(o.id, { objective: o, parent });
    person(o.owner);
    for (const k of o.kpis) {
      const entry = index.kpis.get(k.id) ?? { kpi: k, objectives: [] };
      entry.objectives.push(o);
      index.kpis.set(k.id, entry);
      person(k.owner);
    }
    for (const i of o.initiatives) {
      const entry = index.initiatives.get(i.id) ?? { initiative: i, objectives: [] };
      entry.objectives.push(o);
      index.initiatives.set(i.id, entry);
      person(i.owner);
      for (const m of i.milestones) {
        index.milestones.set(m.id, { milestone: m, initiative: i });
        for (const w of m.workItems) {
          const item = index.workItems.get(w.key) ?? { item: w, milestones: [] };
          if (!item.milestones.some((x) => x.id === m.id)) item.milestones.push(m);
          index.workItems.set(w.key, item);
        }
      }
    }
    for (const child of o.children) visit(child, o);
  };
  for (const o of state.objectives) visit(o, null);
  return index;
}
