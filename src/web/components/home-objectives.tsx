import { Badge, Card, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Incident } from '../api/incident-types.ts';
import type { KpiPeriodForecast, KpiView, ObjectiveView, PortfolioMoney } from '../api/types.ts';
import { count, formatSigned, formatValue, readableText } from '../format/format.ts';
import { ChangedValue, useBeforeIndex } from './changed-value.tsx';
import { EntityLink } from './entity-link.tsx';
import { incidentsOf, kpiFigure, moneyIncidentsOf, valueTotals } from './home-model.ts';
import { StatusBadge } from './status-badge.tsx';

interface Context {
  currency: string;
  money: PortfolioMoney | null;
  incidents: readonly Incident[];
  changed: ReadonlySet<string>;
  person: string;
}

/** One figure of a row: a label above, the value, an optional hint below. */
function Figure({
  label,
  value,
  hint,
  testId,
  tone,
}: {
  label: string;
  value: string;
  hint?: string;
  testId: string;
  tone?: 'short' | 'ahead';
}) {
  return (
    <div className="home-figure" data-empty={value === '—' || undefined}>
      <dt>{label}</dt>
      <dd data-testid={testId} data-tone={tone}>
        {value}
      </dd>
      {hint !== undefined && <dd className="home-figure-hint">{hint}</dd>}
    </div>
  );
}

/** A KPI in one line: its headline period's forecast against target, and the gap. */
export function KpiLine({
  kpi,
  changed,
  testId = `kpi-card-${kpi.id}`,
}: {
  kpi: KpiView;
  changed: boolean;
  /** The line's test id: `kpi-card-<id>` in the objective list. */
  testId?: string;
}) {
  const figure = kpiFigure(kpi);
  // The same period's figure before the latest live change, while it is highlighted.
  const before = useBeforeIndex()
    ?.kpis.get(kpi.id)
    ?.kpi.periods.find((p: KpiPeriodForecast) => p.period === figure?.period.period);
  const unit = kpi.unitOfMeasure;
  return (
    <li
      className={`home-kpi${changed ? ' changed' : ''}`}
      data-testid={testId}
      data-status={kpi.status?.status}
    >
      <EntityLink kind="kpi" id={kpi.id} fw={600}>
        {kpi.name}
      </EntityLink>{' '}
      <StatusBadge status={kpi.status} size="xs" />{' '}
      {figure !== null && (
        <Text span size="sm" c="dark.6">
          {figure.period.period} {figure.period.actual !== null ? 'actual' : 'forecast'}{' '}
          <Text span fw={700} data-testid="kpi-forecast">
            <ChangedValue
              value={formatValue(figure.value, unit)}
              previous={
                before !== undefined
                  ? formatValue(before.actual ?? before.forecast, unit)
                  : undefined
              }
            />
          </Text>
          {figure.target !== null && <> vs target {formatValue(figure.target, unit)}</>}
          {figure.gap !== null && (
            <span className={figure.gap < 0 ? 'home-short' : undefined}>
              {' '}
              ({formatSigned(figure.gap, unit)}
              {figure.gap < 0 ? ' short' : ''})
            </span>
          )}
        </Text>
      )}
    </li>
  );
}

/** One objective: status, owner, money (target, forecast, gap; budget; at stake), KPIs, initiatives. */
function ObjectiveRow({
  objective,
  depth,
  ctx,
}: {
  objective: ObjectiveView;
  depth: number;
  ctx: Context;
}) {
  const Heading = depth === 0 ? 'h3' : 'h4';
  const titleId = `objective-${objective.id}-title`;
  const value = valueTotals(objective.kpis, ctx.currency);
  const budget = ctx.money?.objectives.find((m) => m.objective === objective.id) ?? null;
  const incidents = moneyIncidentsOf(objective, ctx.incidents);
  const touching = incidentsOf(objective, ctx.incidents).filter((i) => !incidents.includes(i));
  const atStake = incidents.reduce((sum, i) => sum + i.money.againstPlan, 0);
  const mine = objective.owner?.id === ctx.person;
  const status = objective.status;
  return (
    <section
      className={`home-objective depth-${depth}${ctx.changed.has(objective.id) ? ' changed' : ''}`}
      data-testid={`objective-card-${objective.id}`}
      data-status={status?.status}
      data-mine={mine || undefined}
      aria-labelledby={titleId}
    >
      <div className="home-objective-row">
        <div className="home-objective-name">
          <Heading
            className={depth === 0 ? 'card-title home-objective-title' : 'card-title'}
            id={titleId}
          >
            <EntityLink kind="objective" id={objective.id} c="dark.9" underline="hover" fw={700}>
              {objective.name}
            </EntityLink>
          </Heading>
          <div className="home-objective-meta">
            <StatusBadge status={status} size="sm" />
            <Text span size="xs" c="dimmed">
              {objective.owner?.name ?? 'No owner'}
            </Text>
            {mine && (
              <Badge
                size="xs"
                variant="light"
                radius="sm"
                styles={{
                  root: { color: '#364fc7', backgroundColor: '#edf2ff', textTransform: 'none' },
                }}
              >
                Yours
              </Badge>
            )}
          </div>
        </div>
        <dl className="home-figures" aria-label={`Money of ${objective.name}`}>
          <Figure
            label="Target"
            value={value === null ? '—' : formatValue(value.target, ctx.currency)}
            hint={value === null ? 'no money KPI' : undefined}
            testId="objective-money-target"
          />
          <Figure
            label="Forecast"
            value={value === null ? '—' : formatValue(value.forecast, ctx.currency)}
            testId="objective-money-forecast"
          />
          <Figure
            label="Gap"
            value={value === null ? '—' : formatSigned(value.gap, ctx.currency)}
            tone={value === null ? undefined : value.gap < 0 ? 'short' : 'ahead'}
            testId="objective-money-gap"
          />
          <Figure
            label="Budget"
            value={budget === null ? '—' : formatValue(budget.plan, ctx.currency)}
            hint={
              budget === null
                ? undefined
                : `forecast ${formatValue(budget.eac, ctx.currency)} at completion`
            }
            testId="objective-budget"
          />
          <Figure
            label="At stake"
            value={atStake > 0 ? formatValue(atStake, ctx.currency) : '—'}
            hint={
              [
                incidents.length > 0 ? count(incidents.length, 'incident') : null,
                touching.length > 0
                  ? `touched by ${incidents.length > 0 ? `${touching.length} more` : count(touching.length, 'incident')}`
                  : null,
              ]
                .filter((part) => part !== null)
                .join('; ') || undefined
            }
            tone={atStake > 0 ? 'short' : undefined}
            testId="objective-at-stake"
          />
        </dl>
      </div>
      {status !== null && status.status !== 'on_track' && (
        <Text size="xs" className={`status-reason status-reason-${status.status}`}>
          {readableText(status.reason)}
        </Text>
      )}
      {objective.kpis.length > 0 && (
        <ul className="home-kpis" aria-label={`KPIs of ${objective.name}`}>
          {objective.kpis.map((k) => (
            <KpiLine key={k.id} kpi={k} changed={ctx.changed.has(k.id)} />
          ))}
        </ul>
      )}
      {objective.initiatives.length > 0 && (
        <Text size="xs" c="dark.5" className="home-initiatives">
          Initiatives:{' '}
          {objective.initiatives.map((i, n) => (
            <span key={i.id} className={ctx.changed.has(i.id) ? 'changed' : undefined}>
              {n > 0 && ' · '}
              <EntityLink kind="initiative" id={i.id} fz="xs" underline="always">
                {i.name}
              </EntityLink>{' '}
              <span className="home-initiative-status" data-status={i.delivery?.status}>
                {i.delivery === null ? '' : `(delivery ${statusWord(i.delivery.status)})`}
              </span>
            </span>
          ))}
        </Text>
      )}
      {objective.children.length > 0 && (
        <div className="home-objective-children">
          {objective.children.map((c) => (
            <ObjectiveRow key={c.id} objective={c} depth={depth + 1} ctx={ctx} />
          ))}
        </div>
      )}
    </section>
  );
}

function statusWord(status: 'on_track' | 'at_risk' | 'off_track'): string {
  return status === 'on_track' ? 'on track' : status === 'at_risk' ? 'at risk' : 'off track';
}

/**
 * The objectives with their money, one row each (children nested): status, target, forecast and
 * gap of their money KPIs, budget and forecast at completion, the money incidents put at stake;
 * the KPIs and initiatives in a line each. Charts and tables are one click down, on each page.
 * The person's own objectives come first.
 */
export function HomeObjectives({
  objectives,
  money,
  incidents,
  changed,
  person,
  children,
}: {
  /** Said under the heading (what else the person owns, say). */
  children?: ReactNode;
  objectives: readonly ObjectiveView[];
  money: PortfolioMoney | null;
  incidents: readonly Incident[];
  changed: ReadonlySet<string>;
  person: string;
}) {
  const currency = money?.currency ?? 'USD';
  const ctx: Context = { currency, money, incidents, changed, person };
  const ordered = [
    ...objectives.filter((o) => o.owner?.id === person),
    ...objectives.filter((o) => o.owner?.id !== person),
  ];
  return (
    <Card
      component="section"
      aria-labelledby="home-objectives-title"
      data-testid="objective-tree"
      className="home-card home-objectives"
      padding="md"
    >
      <h2 id="home-objectives-title" className="section-title">
        Objectives: target, forecast, gap
      </h2>
      <Text size="xs" c="dimmed" mb={6}>
        Money KPIs against target, budget and its forecast at completion, money at stake against
        plan. Open an objective for its charts.
      </Text>
      {children}
      {ordered.map((o) => (
        <ObjectiveRow key={o.id} objective={o} depth={0} ctx={ctx} />
      ))}
    </Card>
  );
}
