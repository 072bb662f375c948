import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../src/app/apply-plan.ts';
import type { Clock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { deriveSnapshot } from '../src/app/derive.ts';
import { ingestWorkItemEvents } from '../src/app/ingest-work.ts';
import { readKnownAt } from '../src/app/known-at.ts';
import { strategicView } from '../src/app/strategic-view.ts';
import { addDays } from '../src/core/calendar.ts';
import type { Plan } from '../src/core/domain/plan.ts';
import type { WorkItemEvent } from '../src/core/domain/work-item.ts';
import { buildErpScenario, buildWorkItem } from '../src/core/test-factories.ts';
import type { Database } from '../src/store/database.ts';
import { loadPlan } from '../src/store/plan-store.ts';
import { listSignals } from '../src/store/signal-store.ts';
import { loadWorkItems } from '../src/store/work-item-store.ts';
import { openTestDatabase, resetDatabase, TEST_DATABASES } from './support/databases.ts';

/**
 * The known-at read is the history read back (issue 13 part 5): for random sequences of writes
 * — plan applies that move milestones and targets, work-item deliveries that move due dates,
 * finish, delete or arrive out of order — the read at each write's instant equals the state that
 * was current right after that write: the plan, the work items, the derived view and the open
 * signals. The clock advances a second at every look, so each write has an instant of its own.
 */

const AS_OF = '2026-09-14';
const KEYS = ['ERP-17', 'ERP-18', 'ERP-30'] as const;

type Step =
  | { kind: 'plan'; milestone: 'M-GOLIVE' | 'M-PURCH'; shift: number; target: number }
  | {
      kind: 'work';
      key: (typeof KEYS)[number];
      op: 'upsert' | 'delete';
      status: 'todo' | 'in_progress' | 'done';
      due: number | null;
      /** Minutes after the source's base instant: an older one than held arrives stale. */
      updated: number;
    };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('plan' as const),
    milestone: fc.constantFrom('M-GOLIVE' as const, 'M-PURCH' as const),
    shift: fc.integer({ min: -15, max: 30 }),
    target: fc.integer({ min: 0, max: 4 }),
  }),
  fc.record({
    kind: fc.constant('work' as const),
    key: fc.constantFrom(...KEYS),
    op: fc.constantFrom('upsert' as const, 'upsert' as const, 'upsert' as const, 'delete' as const),
    status: fc.constantFrom('todo' as const, 'in_progress' as const, 'done' as const),
    due: fc.option(fc.integer({ min: -10, max: 60 }), { nil: null }),
    updated: fc.integer({ min: 0, max: 600 }),
  }),
);

/** A clock whose instant moves on a second at every look; "as of" pinned. */
function advancingClock(): Clock & { last: () => Date } {
  let t = Date.parse('2026-09-14T08:00:00.000Z');
  return {
    now: () => new Date((t += 1000)),
    asOf: () => AS_OF,
    pinned: true,
    last: () => new Date(t),
  };
}

function planAfter(base: Plan, step: Extract<Step, { kind: 'plan' }>): Plan {
  return {
    ...base,
    milestones: base.milestones.map((m) =>
      m.id === step.milestone ? { ...m, plannedDate: addDays(m.plannedDate, step.shift) } : m,
    ),
    kpis: base.kpis.map((k) =>
      k.id === 'K-SAVINGS'
        ? { ...k, targets: { ...k.targets, '2026-Q4': 900_000 + step.target * 150_000 } }
        : k,
    ),
  };
}

let delivery = 0;
function eventOf(step: Extract<Step, { kind: 'work' }>): WorkItemEvent {
  delivery += 1;
  const updatedAt = new Date(Date.parse('2026-09-01T00:00:00Z') + step.updated * 60_000)
    .toISOString()
    .replace('Z', '+0000');
  const change = {
    key: step.key,
    at: updatedAt,
    kind: step.op === 'delete' ? ('deleted' as const) : ('updated' as const),
    changes: [],
  };
  const order = { updatedAt, changelogId: delivery };
  if (step.op === 'delete')
    return {
      op: 'delete',
      key: step.key,
      source: 'jira',
      sourceId: step.key,
      change,
      order,
      dedupeKey: `d-${delivery}`,
    };
  return {
    op: 'upsert',
    item: buildWorkItem({
      key: step.key,
      sourceId: step.key,
      status: step.status,
      statusCategory: step.status,
      dueDate: step.due === null ? null : addDays(AS_OF, step.due),
      doneDate: step.status === 'done' ? AS_OF : null,
      updatedAt,
    }),
    change: step.due === null ? null : change,
    order,
    dedupeKey: `d-${delivery}`,
  };
}

/** What a read shows: the plan, the work, the derived view and the open signals. */
async function currentState(ctx: AppContext): Promise<unknown> {
  const snapshot = await deriveSnapshot(ctx.db, AS_OF);
  return {
    plan: await loadPlan(ctx.db),
    work: sortedWork(await loadWorkItems(ctx.db)),
    view: snapshot === null ? null : strategicView(snapshot),
    signals: await listSignals(ctx.db),
  };
}

function sortedWork<T extends { source: string; key: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (`${a.source} ${a.key}` < `${b.source} ${b.key}` ? -1 : 1));
}

describe.each(TEST_DATABASES)('known-at reads the history back on $name', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('equals, at each write, the state current right after it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 6 }), async (steps) => {
        await resetDatabase(db);
        const clock = advancingClock();
        const ctx: AppContext = { db, clock };
        const erp = buildErpScenario();
        let plan = erp.plan;
        const seen: { at: Date; state: unknown }[] = [];
        await applyPlan(ctx, plan, { actor: 'test' });
        seen.push({ at: await lastWriteAt(db), state: await currentState(ctx) });
        for (const step of steps) {
          if (step.kind === 'plan') {
            const next = planAfter(plan, step);
            try {
              await applyPlan(ctx, next, { actor: 'test' });
              plan = next;
            } catch {
              continue; // a plan the rules refuse writes nothing
            }
          } else {
            await ingestWorkItemEvents(ctx, [eventOf(step)], 'source:jira');
          }
          seen.push({ at: await lastWriteAt(db), state: await currentState(ctx) });
        }
        for (const { at, state } of seen) {
          const known = await readKnownAt(ctx, at);
          expect(knownState(known)).toEqual(state);
        }
        // A millisecond before the first write, nothing was known.
        await expect(readKnownAt(ctx, new Date(seen[0]!.at.getTime() - 1))).rejects.toThrow(
          /before the first write/,
        );
        expect(clock.last().getTime()).toBeGreaterThan(seen.at(-1)!.at.getTime());
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});

async function lastWriteAt(db: Database): Promise<Date> {
  const [row] = await db.query<{ at: Date }>('SELECT max(at) AS at FROM audit_log');
  return row!.at;
}

function knownState(known: Awaited<ReturnType<typeof readKnownAt>>): unknown {
  return {
    plan: known.snapshot.plan,
    work: sortedWork(known.snapshot.workItems),
    view: strategicView(known.snapshot),
    signals: known.signals,
  };
}
