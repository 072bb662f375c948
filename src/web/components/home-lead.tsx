import { Card, Stack, Text } from '@mantine/core';
import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import { apiPath } from '../api/client.ts';
import type { Incident } from '../api/incident-types.ts';
import type { InitiativeView, KpiForecastHistoryView, KpiView } from '../api/types.ts';
import {
  formatDate,
  formatDays,
  formatSigned,
  formatValue,
  readableText,
} from '../format/format.ts';
import type { StateIndex } from '../live/state-index.ts';
import { useApi } from '../live/use-api.ts';
import { EntityLink } from './entity-link.tsx';
import {
  dependantsOf,
  type HomeLead,
  incidentsFrom,
  incidentsOfKpi,
  kpiFigure,
  type Owned,
  weeklyCostOf,
} from './home-model.ts';
import { KpiLine } from './home-objectives.tsx';
import { StatusBadge } from './status-badge.tsx';

const CAUSE: Record<KpiForecastHistoryView['points'][number]['cause'], string> = {
  plan: 'a change to the plan',
  work: 'a change in the work',
  'plan+work': 'changes to the plan and the work',
};

/** The latest move of a KPI's forecast: the period, from, to, on which day, by what kind of change. */
function latestMove(kpi: KpiView, history: KpiForecastHistoryView | null) {
  if (history === null) return null;
  const headline = kpiFigure(kpi)?.period.period;
  for (let n = history.points.length - 1; n > 0; n -= 1) {
    const now = history.points[n]!;
    const was = history.points[n - 1]!;
    const moved = now.periods
      .map((p) => ({ p, old: was.periods.find((x) => x.period === p.period) }))
      .filter(({ p, old }) => old !== undefined && old.forecast !== p.forecast)
      // The headline period first, then the others in order.
      .sort((a, b) => Number(b.p.period === headline) - Number(a.p.period === headline));
    const first = moved[0];
    if (first?.old !== undefined) {
      return {
        period: first.p.period,
        from: first.old.forecast,
        to: first.p.forecast,
        asOf: now.asOf,
        cause: CAUSE[now.cause],
        others: moved.length - 1,
      };
    }
  }
  return null;
}

/** One of the person's KPIs: its figure against target, and what last moved its forecast. */
function MyKpi({
  kpi,
  incidents,
  changed,
}: {
  kpi: KpiView;
  incidents: readonly Incident[];
  changed: boolean;
}) {
  const history = useApi<KpiForecastHistoryView>(`${apiPath('kpis', kpi.id)}/forecast-history`);
  const move = latestMove(kpi, history.data);
  const unit = kpi.unitOfMeasure;
  const causes = incidentsOfKpi(kpi.id, incidents);
  const root = causes[0]?.causes[0];
  return (
    <li className="home-lead-item" data-testid={`my-kpi-${kpi.id}`}>
      <ul className="home-kpis">
        <KpiLine kpi={kpi} changed={changed} testId={`my-kpi-line-${kpi.id}`} />
      </ul>
      <Text size="sm" data-testid="kpi-moved">
        <strong>What moved it: </strong>
        {history.data === null
          ? '…'
          : move === null
            ? 'its forecast has not moved since the plan was loaded.'
            : `${move.period} forecast ${formatValue(move.from, unit)} → ${formatValue(move.to, unit)} (${formatSigned(move.to - move.from, unit)}) on ${formatDate(move.asOf)}, by ${move.cause}${move.others > 0 ? `; ${move.others} more period${move.others === 1 ? '' : 's'} moved` : ''}.`}
      </Text>
      {root !== undefined && (
        <Text size="xs" c="dark.5" data-testid="kpi-moved-by">
          Cause: {readableText(root.text)}
          {causes[0]!.causes.length > 1 &&
            `, and ${causes[0]!.causes.length - 1} more cause${causes[0]!.causes.length > 2 ? 's' : ''}`}
          {causes[0]!.decision !== null && (
            <>
              {' '}
              · decision {causes[0]!.decision.id}
              {causes[0]!.decider !== null && ` (${causes[0]!.decider.name} decides)`}
            </>
          )}
        </Text>
      )}
    </li>
  );
}

/** The person's KPIs, each with what moved it. */
function MyKpis({
  kpis,
  incidents,
  changed,
}: {
  kpis: readonly KpiView[];
  incidents: readonly Incident[];
  changed: ReadonlySet<string>;
}) {
  return (
    <ul className="home-lead-list" aria-label="Your KPIs">
      {kpis.map((k) => (
        <MyKpi key={k.id} kpi={k} incidents={incidents} changed={changed.has(k.id)} />
      ))}
    </ul>
  );
}

/** One of the person's initiatives: status, open milestones, who waits on it, what a delay costs. */
function MyInitiative({
  initiative,
  plan,
  index,
  incidents,
}: {
  initiative: InitiativeView;
  plan: PlanFile | null;
  index: StateIndex;
  incidents: readonly Incident[];
}) {
  const dependants = dependantsOf(initiative, plan, index);
  const weekly = weeklyCostOf(dependants, plan, index);
  const started = incidentsFrom(initiative, incidents);
  const own = new Set(initiative.milestones.map((m) => m.id));
  // Other initiatives' milestones its incidents make late, each once.
  const hit = [...new Set(started.flatMap((i) => i.effects.milestones.map((m) => m.id)))].flatMap(
    (id) => {
      const entry = index.milestones.get(id);
      return entry === undefined || own.has(id) ? [] : [entry];
    },
  );
  const againstPlan = started.reduce((sum, i) => sum + i.money.againstPlan, 0);
  const againstTarget = started.reduce((sum, i) => sum + i.money.againstTarget, 0);
  const currency = started[0]?.money.currency ?? plan?.organisation.currency ?? 'USD';
  const open = initiative.milestones.filter((m) => !m.complete);
  const titleId = `my-initiative-${initiative.id}-title`;
  return (
    <li className="home-lead-item" data-testid={`my-initiative-${initiative.id}`}>
      <div className="home-objective-meta">
        <h3 className="card-title" id={titleId}>
          <EntityLink kind="initiative" id={initiative.id} fw={700}>
            {initiative.name}
          </EntityLink>
        </h3>
        <StatusBadge status={initiative.delivery} prefix="Delivery" size="xs" />
        <StatusBadge status={initiative.value} prefix="Value" size="xs" />
      </div>
      {open.length > 0 && (
        <Text size="sm">
          <strong>Open milestones: </strong>
          {open.map((m, n) => (
            <span key={m.id}>
              {n > 0 && '; '}
              <EntityLink kind="milestone" id={m.id} underline="always">
                {m.name}
              </EntityLink>{' '}
              forecast {formatDate(m.forecastDate)}
              {m.slipWorkingDays > 0 &&
                ` (${formatDays(m.slipWorkingDays, 'working', false)} late)`}
            </span>
          ))}
        </Text>
      )}
      <Text size="sm" data-testid="home-dependants">
        <strong>Waiting on it: </strong>
        {plan === null
          ? '…'
          : dependants.length === 0
            ? 'no other initiative’s milestone.'
            : dependants.map((d, n) => (
                <span key={d.milestone.id}>
                  {n > 0 && '; '}
                  <EntityLink kind="milestone" id={d.milestone.id} underline="always">
                    {d.milestone.name}
                  </EntityLink>{' '}
                  ({d.initiative.name}, {d.initiative.owner?.name ?? 'no owner'}), after {d.on.name}
                  , forecast {formatDate(d.milestone.forecastDate)}
                </span>
              ))}
      </Text>
      <Text size="sm" data-testid="home-delay-cost">
        <strong>What your delay costs others: </strong>
        {plan === null
          ? '…'
          : weekly.length === 0
            ? 'no benefit of another initiative waits on it.'
            : weekly
                .map(
                  (w) =>
                    `${formatValue(w.perWeek, w.unit)} of ${w.name}${w.owner === null ? '' : ` (${w.owner})`} for each week it slips`,
                )
                .join('; ') + '.'}
      </Text>
      {started.length > 0 && (
        <Text size="sm" data-testid="home-delay-now">
          <strong>At stake now: </strong>
          {formatValue(againstPlan, currency)} against plan, {formatValue(againstTarget, currency)}{' '}
          short of target
          {hit.length > 0 &&
            `; it makes ${hit
              .map(
                ({ milestone, initiative: theirs }) =>
                  `${milestone.name} (${theirs.owner?.name ?? 'no owner'}) ${formatDays(milestone.slipWorkingDays, 'working', false)} late`,
              )
              .join(', ')}`}
          .
        </Text>
      )}
    </li>
  );
}

function MyInitiatives({
  initiatives,
  index,
  incidents,
}: {
  initiatives: readonly InitiativeView[];
  index: StateIndex;
  incidents: readonly Incident[];
}) {
  const plan = useApi<PlanFile>('/api/v1/plan');
  return (
    <ul className="home-lead-list" aria-label="Your initiatives">
      {initiatives.map((i) => (
        <MyInitiative
          key={i.id}
          initiative={i}
          plan={plan.data}
          index={index}
          incidents={incidents}
        />
      ))}
    </ul>
  );
}

/** The other things the person owns, as links: one click to each. */
export function AlsoYours({ owned, lead }: { owned: Owned; lead: HomeLead }) {
  const links = [
    ...(lead === 'objectives'
      ? owned.objectives.filter((o) => !owned.topObjectives.includes(o))
      : owned.objectives
    ).map((o) => ({ kind: 'objective' as const, id: o.id, name: o.name })),
    ...(lead === 'kpis' ? [] : owned.kpis).map((k) => ({
      kind: 'kpi' as const,
      id: k.id,
      name: k.name,
    })),
    ...(lead === 'initiatives' ? [] : owned.initiatives).map((i) => ({
      kind: 'initiative' as const,
      id: i.id,
      name: i.name,
    })),
  ];
  if (links.length === 0) return null;
  return (
    <Text size="xs" c="dark.5" data-testid="home-also-yours">
      Also yours:{' '}
      {links.map((l, n) => (
        <span key={`${l.kind}:${l.id}`}>
          {n > 0 && ' · '}
          {l.kind === 'kpi' ? 'KPI' : l.kind}{' '}
          <EntityLink kind={l.kind} id={l.id} named fz="xs" underline="always" />
        </span>
      ))}
    </Text>
  );
}

/**
 * What leads a person's home, from what they own: their KPIs and what moved them, or their
 * initiatives with who waits on them and what a delay costs others. (Objective owners read the
 * objectives themselves: theirs come first in the objective list.)
 */
export function HomeLeadSection({
  lead,
  owned,
  index,
  incidents,
  changed,
}: {
  lead: 'kpis' | 'initiatives';
  owned: Owned;
  index: StateIndex;
  incidents: readonly Incident[];
  changed: ReadonlySet<string>;
}) {
  const title = lead === 'kpis' ? 'Your KPIs and what moved them' : 'Your initiatives';
  return (
    <Card
      component="section"
      aria-labelledby="home-lead-title"
      data-testid={lead === 'kpis' ? 'home-my-kpis' : 'home-my-initiatives'}
      className="home-card home-lead"
      padding="md"
    >
      <Stack gap="xs">
        <h2 id="home-lead-title" className="section-title">
          {title}
        </h2>
        {lead === 'kpis' ? (
          <MyKpis kpis={owned.kpis} incidents={incidents} changed={changed} />
        ) : (
          <MyInitiatives initiatives={owned.initiatives} index={index} incidents={incidents} />
        )}
        <AlsoYours owned={owned} lead={lead} />
      </Stack>
    </Card>
  );
}
