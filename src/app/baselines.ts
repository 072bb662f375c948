import { visibility } from '../core/access/policy.ts';
import type { Plan } from '../core/domain/plan.ts';
import { fail } from '../core/errors.ts';
import {
  baselineVariance,
  visibleVariance,
  type BaselineVariance,
} from '../core/governance/baseline-variance.ts';
import { unstorableReason } from '../core/storable-text.ts';
import {
  type BaselineKind,
  insertBaseline,
  listBaselines as listStoredBaselines,
  loadBaseline,
  type StoredBaseline,
} from '../store/baseline-store.ts';
import { firstPlanWriteAt, loadPlanAtSeq, planChangeAt } from '../store/history-read.ts';
import { loadPlanVersion } from '../store/plan-store.ts';
import type { NewBaseline } from '../contract/baselines.ts';
import type { AppContext } from './context.ts';
import { deriveSnapshot } from './derive.ts';
import { viewerFor } from './viewer.ts';
import { type ActorLike, write, type WriteScope } from './write.ts';

/**
 * Named baselines (issue 13 part 5): the plan as it stood at a point of its history, saved by a
 * person (the plan as approved, or any other moment worth comparing with) or by a re-plan
 * decision when it is decided; and the variance of dates and money against any of them. A
 * baseline points at the latest plan change when it was saved, so its plan is read back from
 * the append-only plan history exactly; `B0` ("original") is the plan as first applied, always
 * there once a plan is.
 */

/** A baseline as listed: saved ones, and the original plan. */
export interface Baseline extends Omit<StoredBaseline, 'kind'> {
  kind: BaselineKind | 'original';
}

/** The name of the plan as first applied, a baseline nobody needs to save. */
export const ORIGINAL_BASELINE = 'original';

/** Refuses a name that is empty, too long, unstorable, or looks like an id or the original. */
function checkName(name: string, path: string): string {
  const trimmed = name.trim();
  const reason = unstorableReason(name);
  if (trimmed.length === 0 || trimmed.length > 100 || reason !== null)
    fail(
      'request.invalid',
      `a baseline name is 1 to 100 characters of text${reason === null ? '' : ` (${reason})`}`,
      { path },
    );
  if (/^B\d+$/i.test(trimmed) || trimmed.toLowerCase() === ORIGINAL_BASELINE)
    fail(
      'request.invalid',
      `'${trimmed}' is kept for a baseline's id or the original plan: choose another name`,
      { path },
    );
  return trimmed;
}

/**
 * Saves a baseline of the plan as it stands in this write (the body of a write: the re-plan
 * decision calls it after applying its option). A name taken already is refused.
 */
export async function saveBaselineIn(
  scope: WriteScope,
  request: {
    name: string;
    kind: BaselineKind;
    decision?: string | null;
    note?: string | null;
    path?: string;
  },
): Promise<StoredBaseline> {
  const path = request.path ?? '$.name';
  const name = checkName(request.name, path);
  const planSeq = await loadPlanVersion(scope.tx);
  if (planSeq === 0) fail('not_found', 'there is no plan yet: apply one first', { path: '$' });
  const saved = await insertBaseline(scope.tx, {
    name,
    kind: request.kind,
    planSeq,
    savedAt: scope.at,
    savedBy: scope.actor.id,
    decision: request.decision ?? null,
    note: request.note ?? null,
  });
  if (saved === null)
    fail(
      'baseline.exists',
      `a baseline named '${name}' exists already: baselines are kept as saved, choose another name`,
      { path },
    );
  scope.audit({
    action: 'baseline.save',
    item: `baseline/${saved.id}`,
    before: null,
    after: { name, kind: saved.kind, planSeq, decision: saved.decision },
  });
  return saved;
}

/** Saves a baseline of the current plan, by hand (audited through the write path). */
export async function saveBaseline(
  ctx: AppContext,
  request: NewBaseline,
  actor: ActorLike,
): Promise<StoredBaseline> {
  if (request.note !== undefined && unstorableReason(request.note) !== null)
    fail('request.invalid', `the note cannot be stored: ${unstorableReason(request.note)}`, {
      path: '$.note',
    });
  const written = await write(ctx, actor, (scope) =>
    saveBaselineIn(scope, {
      name: request.name,
      kind: request.kind ?? 'manual',
      note: request.note ?? null,
    }),
  );
  return written.value;
}

/** The original plan (`B0`), then every saved baseline, oldest first. */
export async function listBaselines(ctx: AppContext): Promise<Baseline[]> {
  const first = await firstPlanWriteAt(ctx.db);
  if (first === null) return [];
  const [row] = await ctx.db.query<{ seq: string | number | null }>(
    'SELECT max(seq) AS seq FROM plan_change WHERE at = $1',
    [first],
  );
  const original: Baseline = {
    id: 'B0',
    name: ORIGINAL_BASELINE,
    kind: 'original',
    planSeq: Number(row?.seq ?? 0),
    savedAt: first.toISOString(),
    savedBy: 'plan history',
    decision: null,
    note: 'the plan as first applied',
  };
  return [original, ...(await listStoredBaselines(ctx.db))];
}

/** A baseline by id (`B0`, `B3`) or name; not_found naming `path` when there is none. */
export async function findBaseline(
  ctx: AppContext,
  idOrName: string,
  path = 'id',
): Promise<Baseline> {
  if (idOrName === 'B0' || idOrName === ORIGINAL_BASELINE) {
    const [original] = await listBaselines(ctx);
    if (original !== undefined) return original;
  } else {
    const stored = await loadBaseline(ctx.db, idOrName);
    if (stored !== null) return stored;
  }
  const shown = idOrName.length > 100 ? `${idOrName.slice(0, 100)}…` : idOrName;
  fail('not_found', `there is no baseline ${JSON.stringify(shown)}`, { path });
}

export interface VarianceReport extends BaselineVariance {
  baseline: Baseline;
  /** When the baseline's plan was last changed before it was saved. */
  planAt: string | null;
  asOf: string;
}

/**
 * Dates and money now against a baseline: each milestone's planned and forecast date against
 * the baseline's planned date, each initiative's budget against the baseline's. With a person,
 * only what the access policy lets them see (what was removed since, as the baseline's plan
 * would have let them).
 */
export async function varianceAgainst(
  ctx: AppContext,
  idOrName: string,
  personId?: string,
  path = 'id',
): Promise<VarianceReport> {
  const baseline = await findBaseline(ctx, idOrName, path);
  const then = await loadPlanAtSeq(ctx.db, baseline.planSeq);
  const snapshot = await deriveSnapshot(ctx.db, ctx.clock.asOf(), ctx.model);
  if (then === null || snapshot === null)
    fail('not_found', 'there is no plan yet: apply one first', { path: '$' });
  let variance = baselineVariance(then, snapshot.plan, snapshot.state);
  if (personId !== undefined) {
    const { seen } = await viewerFor(ctx, personId, snapshot);
    const past = visibility(policyPlanOf(then, snapshot.plan, personId), personId);
    const current = new Set([
      ...snapshot.plan.milestones.map((m) => `milestone/${m.id}`),
      ...snapshot.plan.initiatives.map((i) => `initiative/${i.id}`),
    ]);
    variance = visibleVariance(variance, (kind, id) =>
      current.has(`${kind}/${id}`) ? seen.sees(kind, id) : past.sees(kind, id),
    );
  }
  const planAt = await planChangeAt(ctx.db, baseline.planSeq);
  return {
    baseline,
    planAt: planAt === null ? null : planAt.toISOString(),
    asOf: snapshot.state.asOf,
    ...variance,
  };
}

/** The baseline's plan with the person as they are now (they may have joined since). */
function policyPlanOf(then: Plan, now: Plan, personId: string): Plan {
  const person = now.people.find((p) => p.id === personId);
  if (person === undefined || then.people.some((p) => p.id === personId)) return then;
  return { ...then, people: [...then.people, person] };
}
