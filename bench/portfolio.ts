import { addDays } from '../src/core/calendar.ts';
import type {
  Dependency,
  Initiative,
  Kpi,
  Milestone,
  Objective,
  Person,
  Plan,
  Unit,
  Benefit,
} from '../src/core/domain/plan.ts';
import type { WorkItem } from '../src/core/domain/work-item.ts';
import { mulberry32 } from '../src/core/random.ts';

/**
 * The demo plan plus a generated portfolio: `milestones` milestones in initiatives of ten, across
 * twenty units, with cross-unit dependencies (about 1.5 per milestone, always to an earlier
 * milestone, so the graph is acyclic), benefits on KPIs, and `itemsPerMilestone` work items each,
 * due before their milestone's plan (so the portfolio starts on track).
 */
export function generatePortfolio(
  demo: Plan,
  milestones: number,
  itemsPerMilestone: number,
  seed: number,
): { plan: Plan; workItems: WorkItem[] } {
  // The same seed gives the same portfolio.
  const random = mulberry32(seed);
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const units: Unit[] = Array.from({ length: 20 }, (_, n) => ({
    id: `GU-${n}`,
    name: `Unit ${n}`,
  }));
  const people: Person[] = Array.from({ length: 200 }, (_, n) => ({
    id: `gp-${n}`,
    name: `Person ${n}`,
    unit: `GU-${n % 20}`,
  }));
  const objectives: Objective[] = Array.from({ length: 50 }, (_, n) => ({
    id: `GO-${n}`,
    name: `Objective ${n}`,
    owner: `gp-${n}`,
  }));
  const kpis: Kpi[] = Array.from({ length: 100 }, (_, n) => ({
    id: `GK-${n}`,
    name: `KPI ${n}`,
    owner: `gp-${(n * 7) % 200}`,
    unitOfMeasure: 'USD',
    direction: 'higher_is_better',
    baseline: 0,
    // Low enough that the benefits meet them on plan.
    targets: { '2027-Q1': 1000 },
    actuals: {},
    objectives: [`GO-${n % 50}`],
  }));
  const initiativeCount = Math.ceil(milestones / 10);
  const initiatives: Initiative[] = Array.from({ length: initiativeCount }, (_, n) => ({
    id: `GI-${n}`,
    name: `Initiative ${n}`,
    owner: `gp-${n % 200}`,
    unit: `GU-${n % 20}`,
    objectives: [`GO-${n % 50}`],
    budget: {},
  }));
  const planned: string[] = [];
  const ms: Milestone[] = [];
  const dependencies: Dependency[] = [];
  const benefits: Benefit[] = [];
  const workItems: WorkItem[] = [];
  for (let n = 0; n < milestones; n += 1) {
    // Later milestones are planned later, leaving room for their dependencies' lags.
    const date = addDays('2026-10-05', 7 * Math.floor((n / milestones) * 30) + int(0, 4));
    planned.push(date);
    const keys = Array.from(
      { length: itemsPerMilestone },
      (_, k) => `GEN-${n * itemsPerMilestone + k}`,
    );
    ms.push({
      id: `GM-${n}`,
      name: `Milestone ${n}`,
      initiative: `GI-${Math.floor(n / 10)}`,
      plannedDate: date,
      work: { keys, epics: [] },
    });
    for (const [k, key] of keys.entries()) {
      workItems.push({
        key,
        source: 'demo',
        sourceId: String(200000 + n * itemsPerMilestone + k),
        summary: `Work ${key}`,
        status: 'In Progress',
        statusCategory: 'in_progress',
        issueType: 'Task',
        dueDate: addDays(date, -int(3, 20)),
        startDate: null,
        doneDate: null,
        parentKey: null,
        blockedBy: [],
        blocks: [],
        links: [],
        assignee: null,
        updatedAt: '2026-09-01T09:00:00.000+00:00',
      });
    }
    const deps = random() < 0.5 ? 1 : 2;
    for (let d = 0; d < deps && n > 20; d += 1) {
      const predecessor = int(Math.max(0, n - 400), n - 10);
      if (
        (planned[predecessor] ?? date) < addDays(date, -21) &&
        !dependencies.some(
          (x) => x.successor === `GM-${n}` && x.predecessor === `GM-${predecessor}`,
        )
      ) {
        dependencies.push({
          predecessor: `GM-${predecessor}`,
          successor: `GM-${n}`,
          type: 'FS',
          lagDays: 0,
        });
      }
    }
    if (n % 10 === 9) {
      benefits.push({
        id: `GB-${n}`,
        milestone: `GM-${n}`,
        kpi: `GK-${n % 100}`,
        amountPerWeek: int(100, 1000),
      });
    }
  }
  return {
    plan: {
      ...demo,
      units: [...demo.units, ...units],
      people: [...demo.people, ...people],
      objectives: [...demo.objectives, ...objectives],
      kpis: [...demo.kpis, ...kpis],
      initiatives: [...demo.initiatives, ...initiatives],
      milestones: [...demo.milestones, ...ms],
      dependencies: [...demo.dependencies, ...dependencies],
      benefits: [...demo.benefits, ...benefits],
    },
    workItems,
  };
}
