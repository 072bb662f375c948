import type { Queryable } from './database.ts';

export type FigureKind = 'milestone' | 'kpi' | 'initiative' | 'objective';

/** The last change that moved a figure: at its source, received by us, visible. */
export interface FigureFreshness {
  kind: FigureKind;
  id: string;
  sourceChangedAt: string | null;
  receivedAt: string | null;
  visibleAt: string;
}

/** Records, in the caller's write, that these figures moved with a change of these times. */
export async function recordFigureFreshness(
  tx: Queryable,
  figures: readonly { kind: FigureKind; id: string }[],
  times: { sourceChangedAt: string | null; receivedAt: string | null; visibleAt: Date },
): Promise<void> {
  if (figures.length === 0) return;
  await tx.query(
    `INSERT INTO figure_freshness (kind, id, source_changed_at, received_at, visible_at)
     SELECT x.kind, x.id, $2, $3, $4
     FROM jsonb_to_recordset($1::jsonb) AS x(kind text, id text)
     ON CONFLICT (kind, id) DO UPDATE SET
       source_changed_at = EXCLUDED.source_changed_at,
       received_at = EXCLUDED.received_at,
       visible_at = EXCLUDED.visible_at`,
    [JSON.stringify(figures), times.sourceChangedAt, times.receivedAt, times.visibleAt],
  );
}

/** Every recorded figure, by `kind:id`. */
export async function loadFigureFreshness(db: Queryable): Promise<Map<string, FigureFreshness>> {
  const rows = await db.query<{
    kind: FigureKind;
    id: string;
    source_changed_at: Date | null;
    received_at: Date | null;
    visible_at: Date;
  }>('SELECT kind, id, source_changed_at, received_at, visible_at FROM figure_freshness');
  return new Map(
    rows.map((r) => [
      `${r.kind}:${r.id}`,
      {
        kind: r.kind,
        id: r.id,
        sourceChangedAt: r.source_changed_at?.toISOString() ?? null,
        receivedAt: r.received_at?.toISOString() ?? null,
        visibleAt: r.visible_at.toISOString(),
      },
    ]),
  );
}
