import type { Command } from 'commander';
import { listIncidents, showIncident, type IncidentView } from '../app/incidents.ts';
import type { CommandKit } from './main.ts';
import { money, printJson, type Output } from './output.ts';
import { withApp } from './with-app.ts';

function printIncident(output: Output, incident: IncidentView, full: boolean): void {
  const { money: m } = incident;
  output.out(`${incident.id}: ${incident.headline}`);
  output.out(
    `  at stake: ${money(m.againstPlan)} ${m.currency} against plan, ${money(m.againstTarget)} ${m.currency} against target; up to ${incident.slipWeeks} weeks late`,
  );
  if (incident.decider !== null) output.out(`  decides: ${incident.decider.because}`);
  if (incident.reaches !== null)
    output.out(
      `  reaches first: ${incident.reaches.person} (${incident.reaches.as}), ${incident.reaches.covered ? 'within their rights' : 'beyond their rights'}`,
    );
  output.out(
    incident.decision === null
      ? '  decision: none yet (throughline decision open --incident ID)'
      : `  decision: ${incident.decision.id} [${incident.decision.status}]${incident.decision.dueDate === null ? '' : ` due ${incident.decision.dueDate}`}`,
  );
  const { effects } = incident;
  for (const c of incident.causes) output.out(`  cause: ${c.text}`);
  for (const e of effects.milestones) output.out(`  milestone: ${e.text}`);
  for (const e of effects.kpis) output.out(`  KPI: ${e.text}`);
  for (const e of effects.capacity) output.out(`  capacity: ${e.text}`);
  for (const e of effects.objectives) output.out(`  objective: ${e.text}`);
  for (const e of effects.sources) output.out(`  source: ${e.text}`);
  if (!full) return;
  for (const s of incident.signals) {
    output.out(`  signal ${s.id}: ${s.title}`);
    for (const step of s.chain) output.out(`    ${step.text}`);
  }
}

/** `incidents`, `incident show ID`: the open signals grouped by root cause. */
export function registerIncidentCommands(program: Command, kit: CommandKit): void {
  program
    .command('incidents')
    .description('incidents: open signals that share a root cause, the most money first')
    .action(async () => {
      const incidents = await withApp(kit, (ctx) => listIncidents(ctx));
      if (kit.json()) printJson(kit.output, { incidents });
      else if (incidents.length === 0) kit.output.out('no incidents');
      else for (const incident of incidents) printIncident(kit.output, incident, false);
    });
  program
    .command('incident')
    .description('one incident')
    .command('show')
    .argument('<id>', 'the incident, e.g. incident:work_item:ERP-17')
    .description('an incident with its signals and their chains')
    .action(async (id: string) => {
      const incident = await withApp(kit, (ctx) => showIncident(ctx, id));
      if (kit.json()) printJson(kit.output, { incident });
      else printIncident(kit.output, incident, true);
    });
}
