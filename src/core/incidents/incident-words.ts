import type { Plan } from '../domain/plan.ts';
import type { ChainStep, EntityKind } from '../domain/state.ts';
import { formatSigned } from '../engine/format.ts';

/** Names of the plan's entities, to write them beside their ids: `ERP go-live (M-GOLIVE)`. */
export interface Names {
  /** The entity's name, or its id when it has none. */
  name(kind: EntityKind, id: string): string;
  /** `Name (ID)`, or the id alone when it has no name. */
  label(kind: EntityKind, id: string): string;
  /** A sentence with the first mention of each milestone, initiative, KPI and objective named. */
  named(text: string): string;
}

// Ids as plans spell them: letters, digits, `_`, `-`, and dots inside.
const TOKEN = /[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)*/gu;

export function namesOf(plan: Plan): Names {
  const byKind = new Map<string, Map<string, string>>([
    ['milestone', new Map(plan.milestones.map((m) => [m.id, m.name]))],
    ['initiative', new Map(plan.initiatives.map((i) => [i.id, i.name]))],
    ['kpi', new Map(plan.kpis.map((k) => [k.id, k.name]))],
    ['objective', new Map(plan.objectives.map((o) => [o.id, o.name]))],
    ['unit', new Map(plan.units.map((u) => [u.id, u.name]))],
  ]);
  // Units keep their short id in sentences ("IT's capacity"): their names are not inserted.
  const inText = new Map<string, string>();
  for (const kind of ['objective', 'kpi', 'initiative', 'milestone'])
    for (const [id, name] of byKind.get(kind)!) inText.set(id, name);
  const name = (kind: EntityKind, id: string): string => byKind.get(kind)?.get(id) ?? id;
  return {
    name,
    label: (kind, id) => {
      const found = byKind.get(kind)?.get(id);
      return found === undefined || found === id ? id : `${found} (${id})`;
    },
    named: (text) => {
      const done = new Set<string>();
      return text.replace(TOKEN, (token) => {
        const found = inText.get(token);
        if (found === undefined || found === token || done.has(token)) return token;
        done.add(token);
        return `${found} (${token})`;
      });
    },
  };
}

/**
 * A chain step told with names beside ids and the kind of each day count: a due date moved by
 * calendar days, a milestone's slip in working days (and calendar days), a levelled move in both.
 */
export function namedStep(names: Names, step: ChainStep): ChainStep {
  const f = step.figures;
  const num = (key: string): number | null => (typeof f[key] === 'number' ? f[key] : null);
  const str = (key: string): string | null => (typeof f[key] === 'string' ? f[key] : null);
  let text: string;
  const delta = num('deltaDays');
  if (step.kind === 'work_item' && delta !== null && str('from') !== null && str('to') !== null) {
    text = `${step.id} due date moved ${str('from')!} \u2192 ${str('to')!} (${formatSigned(delta)} calendar ${Math.abs(delta) === 1 ? 'day' : 'days'})`;
  } else if (step.kind === 'milestone' && num('slipWorkingDays') !== null) {
    const planned = str('plannedDate')!;
    const forecast = str('forecastDate')!;
    const calendar = Math.round((Date.parse(forecast) - Date.parse(planned)) / 86_400_000);
    const free = str('unconstrainedDate');
    const hidden = num('milestonesNotShown');
    text = `${names.label('milestone', step.id)} forecast ${forecast}, ${formatSigned(num('slipWorkingDays')!)} working days (${formatSigned(calendar)} calendar days) against its plan ${planned}${free === null ? '' : `; ${free} without the resource bottleneck`}${hidden === null ? '' : ` (${hidden} milestones upstream not shown)`}`;
  } else if (step.kind === 'milestone' && str('levelledDate') !== null) {
    text = `${names.label('milestone', step.id)} moves to ${str('levelledDate')!}, ${num('calendarDays') ?? 0} calendar days (${num('workingDays') ?? 0} working days) after ${str('forecastDate')!}, its date without the bottleneck`;
  } else {
    text = names.named(step.text);
  }
  return { ...step, text, figures: { ...f } };
}
