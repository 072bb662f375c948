import type { IsoDate } from '../core/domain/plan.ts';
import {
  type FigureFreshness,
  type FigureKind,
  loadFigureFreshness,
} from '../store/figure-freshness-store.ts';
import type { AppContext } from './context.ts';
import { deriveSnapshot } from './derive.ts';

/** A figure's reality latency and age, as the API shows it. */
export interface FigureLatency {
  kind: FigureKind;
  id: string;
  /** When the change that last moved it happened at its source (null: a plan edit, or never). */
  sourceChangedAt: string | null;
  /** When we received that change. */
  receivedAt: string | null;
  /** When its effect on this figure became visible (null: not moved since it was first derived). */
  visibleAt: string | null;
  /** Source change → visible, in milliseconds. */
  latencyMs: number | null;
  /** How old the figure's latest news is: now − the source change (or the visible time). */
  ageMs: number | null;
}

const KINDS: readonly FigureKind[] = ['objective', 'kpi', 'initiative', 'milestone'];

/**
 * Every derived figure with the times of the last change that moved it: when it happened at the
 * source, when it was received, when it was visible, and so the figure's latency and age.
 */
export async function listFigureLatency(
  ctx: AppContext,
  asOf: IsoDate,
): Promise<{ now: string; figures: FigureLatency[] }> {
  const snapshot = await deriveSnapshot(ctx.db, asOf, ctx.model);
  const recorded = await loadFigureFreshness(ctx.db);
  const now = ctx.clock.now();
  const figures: FigureLatency[] = [];
  if (snapshot !== null) {
    const tables = {
      objective: snapshot.state.objectives,
      kpi: snapshot.state.kpis,
      initiative: snapshot.state.initiatives,
      milestone: snapshot.state.milestones,
    };
    for (const kind of KINDS) {
      for (const id of tables[kind].keys()) {
        figures.push(latencyOf(kind, id, recorded.get(`${kind}:${id}`), now));
      }
    }
  }
  return { now: now.toISOString(), figures };
}

function latencyOf(
  kind: FigureKind,
  id: string,
  fresh: FigureFreshness | undefined,
  now: Date,
): FigureLatency {
  if (fresh === undefined) {
    return {
      kind,
      id,
      sourceChangedAt: null,
      receivedAt: null,
      visibleAt: null,
      latencyMs: null,
      ageMs: null,
    };
  }
  const visible = Date.parse(fresh.visibleAt);
  const changed = fresh.sourceChangedAt === null ? null : Date.parse(fresh.sourceChangedAt);
  return {
    ...fresh,
    latencyMs: changed === null ? null : visible - changed,
    ageMs: now.getTime() - (changed ?? visible),
  };
}
