import { Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { SourceFreshness, Status } from '../api/types.ts';
import {
  count,
  formatAge,
  formatDate,
  formatInstant,
  formatSigned,
  formatValue,
  STATUS_LABEL,
} from '../format/format.ts';
import type { ValueTotals } from './home-model.ts';
import { SourceDeliveries } from './source-deliveries.tsx';

/** One tile of the strip: a label, the figure, a line under it. */
function Tile({
  label,
  children,
  hint,
  testId,
}: {
  label: string;
  children: ReactNode;
  hint?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="home-tile" data-testid={testId}>
      <div className="home-tile-label">{label}</div>
      <div className="home-tile-figure">{children}</div>
      {hint !== undefined && <div className="home-tile-hint">{hint}</div>}
    </div>
  );
}

/**
 * The portfolio at a glance: objectives by status, the money KPIs' target, forecast and gap, the
 * budget and its forecast at completion, the money incidents put at stake, what waits on the
 * person; then one line on how fresh the figures are.
 */
export function HomeSummary({
  counts,
  value,
  budget,
  atStake,
  decisions,
  signalsWaiting,
}: {
  counts: Record<Status, number>;
  value: ValueTotals | null;
  budget: { plan: number; eac: number; currency: string } | null;
  /** Null when the page looks back: incidents are not kept in the history. */
  atStake: { amount: number; incidents: number; currency: string } | null;
  decisions: number;
  signalsWaiting: number;
}) {
  return (
    <section aria-label="The portfolio at a glance" className="home-summary">
      <Tile label="Objectives" testId="home-objective-counts">
        <span className="home-counts">
          {(['off_track', 'at_risk', 'on_track'] as const).map((s) => (
            <span key={s} className="home-count" data-status={s}>
              <span className="home-count-figure" data-testid={`objectives-${s}`}>
                {counts[s]}
              </span>
              <span className="home-count-label">{STATUS_LABEL[s].toLowerCase()}</span>
            </span>
          ))}
        </span>
      </Tile>
      <Tile
        label="Value against target"
        testId="home-value"
        hint={
          value === null
            ? 'no money KPI has a target'
            : `forecast ${formatValue(value.forecast, value.currency)} of ${formatValue(value.target, value.currency)} target`
        }
      >
        {value === null ? (
          '—'
        ) : (
          <span data-tone={value.gap < 0 ? 'short' : 'ahead'}>
            {formatSigned(value.gap, value.currency)}
          </span>
        )}
      </Tile>
      <Tile
        label="Budget"
        testId="home-budget"
        hint={
          budget === null
            ? undefined
            : `forecast ${formatValue(budget.eac, budget.currency)} at completion (${formatSigned(budget.eac - budget.plan, budget.currency)})`
        }
      >
        {budget === null ? '—' : formatValue(budget.plan, budget.currency)}
      </Tile>
      <Tile
        label="At stake"
        testId="home-at-stake"
        hint={
          atStake === null
            ? 'shown for now only'
            : atStake.incidents === 0
              ? 'no incident'
              : `against plan, ${count(atStake.incidents, 'incident')}`
        }
      >
        {atStake === null ? (
          '—'
        ) : (
          <span data-tone={atStake.amount > 0 ? 'short' : undefined}>
            {formatValue(atStake.amount, atStake.currency)}
          </span>
        )}
      </Tile>
      <Tile
        label="Waiting on you"
        hint={`${count(decisions, 'decision')} to make`}
        testId="home-waiting-count"
      >
        <span data-testid="signals-waiting">{signalsWaiting}</span>{' '}
        <span className="home-tile-unit">{signalsWaiting === 1 ? 'signal' : 'signals'}</span>
      </Tile>
    </section>
  );
}

/** How fresh the figures are: the day they are as of, and each source's latest update. */
export function HomeFreshness({
  asOf,
  sources,
}: {
  asOf: string;
  sources: readonly SourceFreshness[] | null;
}) {
  return (
    <section aria-labelledby="freshness-title" data-testid="freshness" className="home-freshness">
      <Text size="xs" c="dimmed" component="div">
        <span id="freshness-title" className="home-freshness-title">
          Data freshness:
        </span>{' '}
        figures as of <strong>{formatDate(asOf)}</strong>
        {(sources ?? []).length === 0 && '; no source has sent work yet.'}
        {(sources ?? []).map((s) => (
          <span key={s.source}>
            {'; '}
            <span data-testid={`source-${s.source}-latest`}>
              {s.source} ({count(s.workItems, 'item')}): updated {formatInstant(s.latestUpdateAt)},{' '}
              {formatAge(s.latestUpdateAt)}
            </span>
          </span>
        ))}
      </Text>
      {(sources ?? []).map((s) => (
        <SourceDeliveries key={s.source} source={s} />
      ))}
    </section>
  );
}
