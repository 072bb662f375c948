import type { Table } from '../core/export/table-cells.ts';
import { listSignals } from '../store/signal-store.ts';
import type { AppContext } from './context.ts';
import { viewerFor } from './viewer.ts';

/** The lists that can be exported as CSV or XLSX. */
export type ExportList = 'signals' | 'initiatives';

export const EXPORT_LISTS: readonly ExportList[] = ['signals', 'initiatives'];

/**
 * A list as `personId` may see it (the access policy's visibility, as every other read), as a
 * table: signals with their status and the money their incident puts at stake, or initiatives
 * with their delivery and value status and their budget.
 */
export async function exportTable(
  ctx: AppContext,
  personId: string,
  list: ExportList,
): Promise<Table> {
  const viewer = await viewerFor(ctx, personId);
  const plan = viewer.snapshot?.plan;
  const nameOf = (id: string): string => plan?.people.find((p) => p.id === id)?.name ?? id;
  if (list === 'signals') {
    const signals = (await listSignals(ctx.db, true)).filter((s) => viewer.seen.seesSignal(s));
    const incidentOf = new Map(
      viewer.incidents.flatMap((incident) => incident.signals.map((s) => [s.id, incident])),
    );
    return {
      name: 'signals',
      columns: [
        'Signal',
        'Kind',
        'Status',
        'Title',
        'Subject',
        'Raised',
        'Resolved',
        'Incident',
        'Currency',
        'Money against target',
        'Money against plan',
        'Affected owners',
      ],
      rows: signals.map((s) => {
        const incident = incidentOf.get(s.id);
        return [
          s.id,
          s.kind,
          s.status,
          s.title,
          `${s.subject.kind} ${s.subject.id}`,
          s.raisedAt,
          s.resolvedAt,
          incident?.id ?? null,
          incident?.money.currency ?? null,
          incident?.money.againstTarget ?? null,
          incident?.money.againstPlan ?? null,
          s.affectedOwners.map(nameOf).join(', '),
        ];
      }),
    };
  }
  const state = viewer.snapshot?.state;
  const initiatives = (plan?.initiatives ?? []).filter((i) => viewer.seen.sees('initiative', i.id));
  return {
    name: 'initiatives',
    columns: [
      'Initiative',
      'Name',
      'Owner',
      'Unit',
      'Delivery',
      'Delivery reason',
      'Value',
      'Value reason',
      'Currency',
      'Budget planned',
      'Budget committed',
      'Budget actual',
      'Confidential',
    ],
    rows: initiatives.map((i) => {
      const status = state?.initiatives.get(i.id);
      const lines = Object.values(i.budget);
      const sum = (pick: (line: (typeof lines)[number]) => number | undefined): number =>
        lines.reduce((total, line) => total + (pick(line) ?? 0), 0);
      return [
        i.id,
        i.name,
        nameOf(i.owner),
        plan?.units.find((u) => u.id === i.unit)?.name ?? i.unit,
        status?.delivery.status ?? null,
        status?.delivery.reason ?? null,
        status?.value.status ?? null,
        status?.value.reason ?? null,
        i.currency ?? plan?.organisation.currency ?? null,
        sum((l) => l.plan),
        sum((l) => l.committed),
        sum((l) => l.actual),
        i.confidential === undefined ? 'no' : 'yes',
      ];
    }),
  };
}
