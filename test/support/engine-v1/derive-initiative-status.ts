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
 * The milestone at the start of the chain of dependencies that set a milestone's forecast
 * (itself when no dependency did).
 */
function rootOf(
  milestones: Readonly<Record<string, MilestoneForecast>>,
  id: string,
): MilestoneForecast {
  let forecast = milestones[id]!;
  while (forecast.driver.kind === 'dependency') forecast = milestones[forecast.driver.predecessor]!;
  return forecast;
}

/**
 * Derives each initiative's two statuses: delivery, the worst of its milestones; value, the worst
 * of the KPIs its milestones' benefits feed, then of the KPIs fed by the benefits of the
 * milestones its late milestones hold up. The explanation names what decided each.
 *
 * Changed with the engine (issue 14): value once read only its own benefits, so the ERP migration
 * showed "value on track" while its late go-live held up purchasing and made the savings miss.
 * A milestone is held up by another initiative when it is off track and the chain of dependencies
 * that set its forecast starts at an off-track milestone of that initiative.
 */
export function deriveInitiativeStatuses(
  plan: PlanIndex,
  milestones: Readonly<Record<string, MilestoneForecast>>,
  kpis: Readonly<Record<string, KpiForecast>>,
): Record<string, InitiativeStatus> {
  // Milestones held up by another initiative's late milestone, by that initiative, plan order.
  const position = new Map<string, number>();
  plan.plan.milestones.forEach((milestone, at) => position.set(milestone.id, at));
  const heldUp = new Map<string, string[]>();
  plan.plan.milestones.forEach((milestone, at) => {
    if (position.get(milestone.id) !== at) return;
    const forecast = milestones[milestone.id];
    if (forecast === undefined || forecast.status.status !== 'off_track') return;
    const root = rootOf(milestones, milestone.id);
    if (root.id === milestone.id || root.status.status !== 'off_track') return;
    const cause = plan.milestones.get(root.id)!.initiative;
    if (cause === milestone.initiative || !plan.initiatives.has(cause)) return;
    const list = heldUp.get(cause);
    if (list === undefined) heldUp.set(cause, [milestone.id]);
    else list.push(milestone.id);
  });

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
    let via: string | null = null;
    for (const held of heldUp.get(initiative.id) ?? []) {
      for (const benefit of plan.benefitsByMilestone.get(held) ?? []) {
        const forecast = kpis[benefit.kpi];
        if (forecast === undefined) continue;
        if (worstKpi === null || isWorse(forecast.status.status, worstKpi.status.status)) {
          worstKpi = forecast;
          via = held;
        }
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
        reason: `${via === null ? '' : `${via} waits on the late ${rootOf(milestones, via).id}; `}${worstKpi.id} is ${statusWords(worstKpi.status.status)}: ${worstKpi.status.reason}`,
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
