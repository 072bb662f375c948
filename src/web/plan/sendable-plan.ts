import type { PlanFile } from '../../plan-file/plan-file-types.ts';

/**
 * The plan as the editor sends it back, without the entities whose references point at what the
 * person cannot see (an IT lead sees the demands on IT of initiatives that are not hers). The
 * server merges by id, so what is left out stays as it is; sent, they would be refused as
 * dangling references. Never used for a removal, which sends the whole plan.
 */
export function sendablePlan(plan: PlanFile): PlanFile {
  const ids = (list: { id: string }[] | undefined) => new Set((list ?? []).map((x) => x.id));
  const units = ids(plan.units);
  const people = ids(plan.people);
  const objectives = ids(plan.objectives);
  const kpis = ids(plan.kpis);
  const initiatives = new Set(
    (plan.initiatives ?? []).filter((i) => units.has(i.unit)).map((i) => i.id),
  );
  const milestones = new Set(
    (plan.milestones ?? []).filter((m) => initiatives.has(m.initiative)).map((m) => m.id),
  );
  // Demands wait for demands: keep those whose chain stays inside what is kept.
  let demands = (plan.demands ?? []).filter(
    (d) =>
      initiatives.has(d.initiative) &&
      units.has(d.unit) &&
      (d.milestone === undefined || milestones.has(d.milestone)),
  );
  for (;;) {
    const kept = new Set(demands.map((d) => d.id));
    const next = demands.filter((d) => (d.after ?? []).every((a) => kept.has(a)));
    if (next.length === demands.length) break;
    demands = next;
  }
  const all = <T>(list: T[] | undefined, keep: (x: T) => boolean) =>
    list === undefined ? undefined : list.filter(keep);
  const within = (list: string[] | undefined, set: Set<string>) =>
    (list ?? []).every((x) => set.has(x));
  return {
    ...plan,
    initiatives: all(plan.initiatives, (i) => initiatives.has(i.id)),
    milestones: all(plan.milestones, (m) => milestones.has(m.id)),
    dependencies: all(
      plan.dependencies,
      (d) => milestones.has(d.predecessor) && milestones.has(d.successor),
    ),
    benefits: all(plan.benefits, (b) => milestones.has(b.milestone) && kpis.has(b.kpi)),
    demands: plan.demands === undefined ? undefined : demands,
    decisionRights: all(
      plan.decisionRights,
      (r) =>
        (r.person === undefined || people.has(r.person)) &&
        within(r.objectives, objectives) &&
        within(r.initiatives, initiatives) &&
        within(r.units, units),
    ),
  };
}
