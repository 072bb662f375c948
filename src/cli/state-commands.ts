import type { Command } from 'commander';
import type { Snapshot } from '../app/derive.ts';
import { explainWithHistory } from '../app/explain-entity.ts';
import { strategicView } from '../app/strategic-view.ts';
import type { Plan } from '../core/domain/plan.ts';
import type { CapacityState, DerivedState } from '../core/domain/state.ts';
import { fail } from '../core/errors.ts';
import type { StoredSignal } from '../app/signal-inbox.ts';
import type { CommandKit } from './main.ts';
import { money, printJson, statusLabel, type Output } from './output.ts';
import { withApp } from './with-app.ts';
import { knownAtJson, signalsAt, snapshotAt } from './known-at-read.ts';

function printState(output: Output, plan: Plan, state: DerivedState): void {
  output.out(`${plan.organisation.name} — as of ${state.asOf}`);
  const printObjective = (id: string, depth: number): void => {
    const objective = plan.objectives.find((o) => o.id === id);
    if (objective === undefined) return;
    const pad = '  '.repeat(depth);
    output.out(
      `${pad}${objective.id} ${objective.name}: ${statusLabel(state.objectives.get(id)?.status)}`,
    );
    for (const kpi of plan.kpis.filter((k) => k.objectives.includes(id))) {
      output.out(
        `${pad}  KPI ${kpi.id} ${kpi.name}: ${statusLabel(state.kpis.get(kpi.id)?.status)}`,
      );
      for (const period of state.kpis.get(kpi.id)?.periods ?? []) {
        if (period.target === null) continue;
        output.out(
          `${pad}    ${period.period}: forecast ${money(period.forecast)} ${kpi.unitOfMeasure} against target ${money(period.target)} (${statusLabel(period.status)})`,
        );
      }
    }
    for (const initiative of plan.initiatives.filter((i) => i.objectives.includes(id))) {
      const derived = state.initiatives.get(initiative.id);
      output.out(
        `${pad}  initiative ${initiative.id} ${initiative.name}: delivery ${statusLabel(derived?.delivery)}, value ${statusLabel(derived?.value)}`,
      );
      for (const milestone of plan.milestones.filter((m) => m.initiative === initiative.id)) {
        const m = state.milestones.get(milestone.id);
        if (m === undefined) continue;
        const slip =
          m.slipWorkingDays === 0
            ? ''
            : ` (${m.slipWorkingDays > 0 ? '+' : ''}${m.slipWorkingDays} working days)`;
        output.out(
          `${pad}    milestone ${milestone.id} ${milestone.name}: plan ${m.plannedDate}, forecast ${m.forecastDate}${slip}: ${statusLabel(m.status)}`,
        );
      }
    }
    for (const child of plan.objectives.filter((o) => o.parent === id))
      printObjective(child.id, depth + 1);
  };
  for (const objective of plan.objectives.filter((o) => o.parent === undefined))
    printObjective(objective.id, 0);
  output.out(`${state.signals.length} open signal(s)`);
}

function printSignal(output: Output, plan: Plan, signal: StoredSignal): void {
  const name = (id: string): string => plan.people.find((p) => p.id === id)?.name ?? id;
  output.out(
    `${signal.status === 'open' ? '●' : '○'} ${signal.title}  [${signal.id}, raised ${signal.raisedAt}]`,
  );
  signal.chain.forEach((step, index) => output.out(`   ${index === 0 ? ' ' : '→'} ${step.text}`));
  output.out(`    affects: ${signal.affectedOwners.map(name).join(', ')}`);
}

function printCapacity(output: Output, capacity: CapacityState, asOf: string): void {
  output.out(`Capacity (${capacity.measure} a week) — as of ${asOf}`);
  if (capacity.units.length === 0) {
    output.out('No unit declares a capacity and no demand is planned.');
    return;
  }
  for (const unit of capacity.units) {
    const busy = unit.weeks.filter((week) => week.load > 0 || week.levelledLoad > 0);
    output.out(busy.length === 0 ? `${unit.unit}: no load` : unit.unit);
    for (const week of busy) {
      const share =
        week.capacity === null || week.capacity === 0
          ? ''
          : ` (${Math.round((100 * week.load) / week.capacity)}%)`;
      const over = week.capacity !== null && week.load > week.capacity ? '  ▲ over' : '';
      output.out(
        `  ${week.week}  capacity ${week.capacity ?? '—'}  load ${week.load}${share}  levelled ${week.levelledLoad}${over}`,
      );
    }
  }
  output.out(`${capacity.overAllocations.length} over-allocation(s)`);
  for (const over of capacity.overAllocations) output.out(`  ● ${over.sentence}`);
  output.out(`${capacity.milestones.length} milestone(s) moved by levelling`);
  for (const move of capacity.milestones) output.out(`  → ${move.sentence}`);
  for (const idle of capacity.idle) output.out(`  (${idle.id} takes nothing: ${idle.reason})`);
}

/** The derived state of the applied plan; refused before any plan was applied. */
async function appliedSnapshot(kit: CommandKit): Promise<Snapshot> {
  const snapshot = await withApp(kit, (ctx) => snapshotAt(kit, ctx));
  if (snapshot === null)
    fail(
      'not_found',
      'No plan has been applied yet: run `throughline plan apply FILE` or `throughline demo`',
      { path: 'plan' },
    );
  return snapshot;
}

/** `state`, `capacity`, `signals` and `explain ID`. */
export function registerStateCommands(program: Command, kit: CommandKit): void {
  program
    .command('state')
    .description(
      'the strategic view: objectives, KPIs, initiatives and milestones with derived status',
    )
    .action(async () => {
      const snapshot = await appliedSnapshot(kit);
      if (kit.json()) printJson(kit.output, { ...strategicView(snapshot), ...knownAtJson(kit) });
      else printState(kit.output, snapshot.plan, snapshot.state);
    });

  program
    .command('capacity')
    .description(
      "each unit's weekly load against its capacity, the over-allocations, and the milestones levelling moves",
    )
    .action(async () => {
      const snapshot = await appliedSnapshot(kit);
      const { state } = snapshot;
      if (kit.json()) printJson(kit.output, { asOf: state.asOf, ...state.capacity });
      else printCapacity(kit.output, state.capacity, state.asOf);
    });

  program
    .command('signals')
    .description('signals with their cause chains and the owners they affect')
    .option('--all', 'include resolved signals')
    .action(async (options: { all?: boolean }) => {
      const { signals, snapshot, asOf } = await withApp(kit, async (ctx) => ({
        signals: await signalsAt(kit, ctx, options.all === true),
        snapshot: await snapshotAt(kit, ctx),
        asOf: ctx.clock.asOf(),
      }));
      if (kit.json()) {
        printJson(kit.output, { asOf, signals });
        return;
      }
      kit.output.out(`${signals.length} signal(s) as of ${asOf}`);
      for (const signal of signals)
        if (snapshot !== null) printSignal(kit.output, snapshot.plan, signal);
    });

  program
    .command('explain')
    .description(
      'the facts and rules behind any objective, KPI, initiative, milestone, work item or unit',
    )
    .argument('<id>', 'an id such as M-GOLIVE, K-SAVINGS, ERP-17 or IT')
    .action(async (id: string) => {
      const { asOf, explained } = await withApp(kit, async (ctx) => {
        const snapshot = await snapshotAt(kit, ctx);
        if (snapshot === null) fail('not_found', 'No plan has been applied yet', { path: 'plan' });
        return {
          asOf: snapshot.state.asOf,
          explained: await explainWithHistory(ctx.db, snapshot, id),
        };
      });
      if (kit.json()) {
        printJson(kit.output, { asOf, ...explained });
        return;
      }
      kit.output.out(`${explained.kind.replace('_', ' ')} ${id} — as of ${asOf}`);
      for (const step of explained.explanation) kit.output.out(`  • ${step.text}`);
    });
}
