import { useEffect, useMemo } from 'react';
import type { DecisionList } from '../api/decision-types.ts';
import type { IncidentList } from '../api/incident-types.ts';
import type { ObjectiveView, PortfolioMoney } from '../api/types.ts';
import { queueOrder } from '../components/decision-parts.tsx';
import { AlsoYours, HomeLeadSection } from '../components/home-lead.tsx';
import { allKpis, byMoneyAtStake, leadOf, ownedBy, valueTotals } from '../components/home-model.ts';
import { HomeObjectives } from '../components/home-objectives.tsx';
import { HomeFreshness, HomeSummary } from '../components/home-summary.tsx';
import { HomeWaiting } from '../components/home-waiting.tsx';
import { preloadCharts } from '../components/lazy-charts.tsx';
import { Loading, Page } from '../components/page.tsx';
import { useLive } from '../live/live-context.tsx';
import { useMe } from '../live/session-context.tsx';
import { useApi } from '../live/use-api.ts';
import { useKnownAt, useKnownAtLive } from '../api/known-at.ts';
import { KnownAtControl } from '../components/known-at-control.tsx';
import { indexOnce, useLabels } from '../live/use-state-index.ts';

function tally(objectives: ObjectiveView[]) {
  const counts = { on_track: 0, at_risk: 0, off_track: 0 };
  const visit = (o: ObjectiveView) => {
    if (o.status !== null) counts[o.status.status] += 1;
    o.children.forEach(visit);
  };
  objectives.forEach(visit);
  return counts;
}

/**
 * Home: the portfolio's money on one screen (each objective's target, forecast and gap, the
 * budget, the money incidents put at stake), what waits on the signed-in person, and what leads
 * their home from what they own: objective owners read their objectives first, KPI owners their
 * KPIs and what moved them, delivery leads their initiatives, who waits on them and what a delay
 * costs others. Charts and tables are one click down, on each objective's, KPI's and
 * initiative's page.
 */
export function StrategyMapPage() {
  const live = useKnownAtLive(useLive());
  // Incidents, decisions and money are read now only: looking back, the money at stake is not shown.
  const lookingBack = useKnownAt() !== null;
  const me = useMe();
  const labels = useLabels();
  const openDecisions = useApi<DecisionList>('/api/v1/decisions?status=open');
  const incidents = useApi<IncidentList>('/api/v1/incidents');
  const money = useApi<PortfolioMoney>('/api/v1/money');
  const ready = live.state !== null && live.signals !== null;
  useEffect(() => {
    if (!ready) return;
    if (performance.getEntriesByName('strategy-map-rendered').length === 0) {
      performance.mark('strategy-map-rendered');
    }
    // The pages one click down draw charts: their code comes right after the map.
    preloadCharts();
  }, [ready]);
  const person = me.person.id;
  const owned = useMemo(
    () => (live.state === null ? null : ownedBy(live.state, person)),
    [live.state, person],
  );
  if (live.state === null || live.signals === null || owned === null)
    return <Loading label="Loading the strategy map" />;
  const index = indexOnce(live.state);
  const lead = leadOf(owned);
  const mine = live.signals.filter((s) => s.forMe && s.status === 'open');
  const counts = tally(live.state.objectives);
  const myDecisions = queueOrder(
    (openDecisions.data?.decisions ?? []).filter((d) => d.decider.person === person),
  );
  const ranked = byMoneyAtStake(incidents.data?.incidents ?? []);
  // Incidents that reach me: I own something they touch, or I decide them.
  const reaching = (i: (typeof ranked)[number]) =>
    i.owners.includes(person) || i.decider?.person === person;
  const myIncidents = ranked.filter(reaching);
  const otherIncidents = ranked.filter((i) => !reaching(i));
  const atStake = lookingBack ? [] : ranked;
  const currency = money.data?.currency ?? 'USD';
  return (
    <Page
      title="Strategy map"
      documentTitle="Strategy map"
      eyebrow={live.state.organisation.name}
      testId="strategy-map"
      actions={<KnownAtControl />}
    >
      <HomeSummary
        counts={counts}
        value={valueTotals(allKpis(live.state), currency)}
        budget={
          money.data === null
            ? null
            : { plan: money.data.totals.plan, eac: money.data.totals.eac, currency }
        }
        atStake={
          lookingBack
            ? null
            : {
                amount: ranked.reduce((sum, i) => sum + i.money.againstPlan, 0),
                incidents: ranked.length,
                currency: ranked[0]?.money.currency ?? currency,
              }
        }
        decisions={myDecisions.length}
        signalsWaiting={mine.filter((s) => !s.acknowledgedByMe).length}
      />
      <div className="home-grid" data-lead={lead}>
        {lead !== 'objectives' && (
          <div className="home-area-lead">
            <HomeLeadSection
              lead={lead}
              owned={owned}
              index={index}
              incidents={atStake}
              changed={live.changed}
            />
          </div>
        )}
        <div className="home-area-side">
          <HomeWaiting
            now={lookingBack}
            firstName={me.person.name.split(' ')[0] ?? me.person.name}
            decisions={myDecisions}
            incidents={myIncidents}
            otherIncidents={otherIncidents}
            signals={mine}
            nameOf={labels.nameOf}
            unitOf={labels.unitOf}
          />
        </div>
        <div className="home-area-tree">
          <HomeObjectives
            objectives={live.state.objectives}
            money={money.data}
            incidents={atStake}
            changed={live.changed}
            person={person}
          >
            {lead === 'objectives' && <AlsoYours owned={owned} lead={lead} />}
          </HomeObjectives>
        </div>
      </div>
      <HomeFreshness asOf={live.state.asOf} sources={live.sources} />
    </Page>
  );
}
