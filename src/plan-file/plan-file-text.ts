import { stringify } from 'yaml';
import type { Plan } from '../core/domain/plan.ts';
import { planToFileObject } from './plan-file-mapping.ts';
import type { PlanFileFormat } from './plan-file-types.ts';

/** The plan as plan-file text (for `plan export`), defaults left out; reads back to the same plan. */
export function planToFileText(plan: Plan, format: PlanFileFormat): string {
  const file = planToFileObject(plan);
  if (format === 'json') return `${JSON.stringify(file, null, 2)}\n`;
  return stringify(file, { lineWidth: 0 });
}
