import type {
  DerivedStatus,
  ExplanationStep,
  InitiativeStatus,
  KpiForecast,
  MilestoneForecast,
} from './state.ts';
import type { PlanIndex } from './plan-index.ts';
import { isWorse, statusWords } from './status.ts';

/**
 * Derives each initiative's two statuses: delivery, the worst of its milestones; value, the worst
 * of the KPIs its milestones' benefits feed. The explanation names what decided each.
 */
export function deriveInitiativeStatuses(
  plan: PlanIndex,
  milestones: Readonly<Record<string, MilestoneForecast>>,
  kpis: Readonly<Record<string, KpiForecast>>,
): Record<string, InitiativeStatus> {
  const result: Record<string, InitiativeStatus> = {};
  for (const initiative of plan.plan.initiatives) {
    const explanation: ExplanationStep[] = [];

    let worstMilestone: MilestoneForecast | null = null;
    const fedKpis = new Set<string>();
    for (const milestone of plan.milestonesByInitiative.get(initiative.id) ?? []) {
      const forecast = milestones[milestone.id];
      if (forecast === undefined) continue;
      if (
        worstMilestone === null ||
        isWorse(forecast.status.status, worstMilestone.status.status)
      ) {
        worstMilestone = forecast;
      }
      for (const benefit of plan.benefitsByMilestone.get(milestone.id) ?? []) {
        fedKpis.add(benefit.kpi);
      }
    }
    let delivery: DerivedStatus;
    if (worstMilestone === null) {
      delivery = {
        status: 'on_track',
        rule: 'initiative.no_milestones',
        reason: `${initiative.id} has no milestones to be late`,
      };
    } else {
      delivery = {
        status: worstMilestone.status.status,
        rule: `initiative.delivery_${worstMilestone.status.status}`,
        reason: `${worstMilestone.id} is ${statusWords(worstMilestone.status.status)}: ${worstMilestone.status.reason}`,
      };
      explanation.push({
        rule: 'initiative.delivery_decided_by',
        text: `Delivery follows its worst milestone, ${worstMilestone.id} (${statusWords(worstMilestone.status.status)})`,
        ref: { kind: 'milestone', id: worstMilestone.id },
      });
    }

    let worstKpi: KpiForecast | null = null;
    for (const kpiId of fedKpis) {
      const forecast = kpis[kpiId];
      if (forecast === undefined) continue;
      if (worstKpi === null || isWorse(forecast.status.status, worstKpi.status.status)) {
        worstKpi = forecast;
      }
    }
    let value: DerivedStatus;
    if (worstKpi === null) {
      value = {
        status: 'on_track',
        rule: 'initiative.no_benefits',
        reason: `no benefit of ${initiative.id} feeds a KPI`,
      };
    } else {
      value = {
        status: worstKpi.status.status,
        rule: `initiative.value_${worstKpi.status.status}`,
        reason: `${worstKpi.id} is ${statusWords(worstKpi.status.status)}: ${worstKpi.status.reason}`,
      };
      explanation.push({
        rule: 'initiative.value_decided_by',
        text: `Value follows the worst KPI its benefits feed, ${worstKpi.id} (${statusWords(worstKpi.status.status)})`,
        ref: { kind: 'kpi', id: worstKpi.id },
      });
    }
    result[initiative.id] = { id: initiative.id, delivery, value, explanation };
  }
  return result;
}
