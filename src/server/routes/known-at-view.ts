import type { AppContext } from '../../app/context.ts';
import { deriveSnapshot, type Snapshot } from '../../app/derive.ts';
import { knownAtViewer, parseKnownAt, readKnownAt } from '../../app/known-at.ts';
import { viewerFor } from '../../app/viewer.ts';
import type { Visibility } from '../../core/access/policy.ts';
import { fail } from '../../core/errors.ts';

/** The `knownAt` query parameter of the read routes: what we knew at that instant. */
export const KNOWN_AT_PARAMETER = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  description:
    'Answer as known at this instant (2026-09-14T10:00:00Z; a date means the end of that day): the plan, the work, the forecasts and signals read back from the history. Refused before the first write.',
} as const;

/** A read's view: the snapshot now or as known then, what the caller sees of it, and when. */
export interface ReadView {
  snapshot: Snapshot;
  seen: Visibility;
  /** The instant the view was known at (null: now). */
  knownAt: string | null;
  asOf: string;
}

/**
 * The snapshot a read route answers from and the caller's view of it: the current one, or the
 * one known at `knownAt` (the access policy then built from the plan as it stood).
 */
export async function readView(
  ctx: AppContext,
  personId: string,
  knownAt: string | undefined,
): Promise<ReadView> {
  if (knownAt !== undefined) {
    const known = await readKnownAt(ctx, parseKnownAt(knownAt, 'knownAt'));
    const { seen } = await knownAtViewer(ctx, personId, known);
    return { snapshot: known.snapshot, seen, knownAt: known.knownAt, asOf: known.asOf };
  }
  const snapshot = await deriveSnapshot(ctx.db, ctx.clock.asOf(), ctx.model);
  if (snapshot === null) fail('not_found', 'No plan has been applied yet', { path: 'plan' });
  const { seen } = await viewerFor(ctx, personId, snapshot);
  return { snapshot, seen, knownAt: null, asOf: snapshot.state.asOf };
}

/** `{ knownAt }` when the view is of the past, nothing when it is of now. */
export function knownAtField(view: ReadView): { knownAt?: string } {
  return view.knownAt === null ? {} : { knownAt: view.knownAt };
}
