import { readFile } from 'node:fs/promises';
import { normalizeMsProjectXml } from '../connectors/msproject/mspdi.ts';
import { planEntitiesFromMsProject } from '../connectors/msproject/mspdi-plan.ts';
import { scheduleInputFromMsProject } from '../connectors/msproject/mspdi-schedule.ts';
import type { Plan } from '../core/domain/plan.ts';
import { fail } from '../core/errors.ts';
import { emptyPlan } from '../core/plan/diff-plan.ts';
import { scheduleCriticalPath } from '../core/schedule/critical-path.ts';
import { loadPlan } from '../store/plan-store.ts';
import { applyPlan, type ApplyPlanResult } from './apply-plan.ts';
import type { AppContext } from './context.ts';
import { inFile } from './schedule-file.ts';

export interface ImportMsProjectOptions {
  initiative: string;
  idPrefix?: string;
  dryRun?: boolean;
  actor: string;
}

export interface ImportMsProjectResult extends ApplyPlanResult {
  milestones: number;
  dependencies: number;
  warnings: string[];
}

/**
 * Imports an MS Project plan into an initiative: its tasks become milestones (dated at their
 * scheduled finish) and its links dependencies, applied like a plan file — merged by id,
 * checked as a whole, in one transaction. Importing the same file again changes nothing.
 */
export async function importMsProject(
  ctx: AppContext,
  file: string,
  options: ImportMsProjectOptions,
): Promise<ImportMsProjectResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    fail('file.not_found', `${file} does not exist or cannot be read`, { file });
  }
  const plan = normalizeMsProjectXml(text.replace(/^\uFEFF/, ''), file);
  const input = inFile(file, () => scheduleInputFromMsProject(plan));
  const schedule = inFile(file, () => scheduleCriticalPath(input));
  const stored = await loadPlan(ctx.db);
  if (stored === null) fail('not_found', 'No plan has been applied yet', { path: 'plan' });
  if (!stored.initiatives.some((initiative) => initiative.id === options.initiative))
    fail('plan.unknown_reference', `initiative '${options.initiative}' does not exist`, {
      path: '--initiative',
    });
  const entities = planEntitiesFromMsProject(plan, input, schedule, {
    initiative: options.initiative,
    ...(options.idPrefix !== undefined ? { idPrefix: options.idPrefix } : {}),
  });
  const incoming: Plan = {
    ...emptyPlan(stored.organisation),
    milestones: entities.milestones,
    dependencies: entities.dependencies,
  };
  const result = await applyPlan(ctx, incoming, {
    actor: options.actor,
    dryRun: options.dryRun === true,
  });
  return {
    ...result,
    milestones: entities.milestones.length,
    dependencies: entities.dependencies.length,
    warnings: plan.warnings,
  };
}
