import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../core/domain/plan.ts';
import type { Signal } from '../core/domain/state.ts';
import { readPlanFile } from '../plan-file/parse-plan-file.ts';
import { liveEventFor, type StateChanges } from './live-events.ts';

/**
 * What of a live event each person receives when the work is linked through an epic: a child of
 * a linked epic delivers the epic's milestones, so it goes to those who see them, and never to
 * those a confidential initiative is kept from.
 */

const DEMO = fileURLToPath(new URL('../../demo/plan.yaml', import.meta.url));
const { plan: demo } = await readPlanFile(DEMO);

/** The demo with the go-live tracking the ERP-1 epic and the plant-3 sale the DIV-1 epic. */
function planWithEpics(): Plan {
  return {
    ...demo,
    milestones: demo.milestones.map((m) =>
      m.id === 'M-GOLIVE'
        ? { ...m, work: { keys: [], epics: ['ERP-1'] } }
        : m.id === 'M-DIVEST-CLOSE'
          ? { ...m, work: { keys: [], epics: ['DIV-1'] } }
          : m,
    ),
  };
}

const PARENTS = new Map([
  ['ERP-17', 'ERP-1'],
  ['DIV-5', 'DIV-1'],
]);
const parentOf = (key: string): string | null => PARENTS.get(key) ?? null;

function stateEvent(workItems: string[]) {
  const data: StateChanges = {
    asOf: '2026-09-14',
    milestones: [],
    kpis: [],
    initiatives: [],
    objectives: [],
    workItems,
  };
  return { kind: 'state' as const, data, owners: [], units: [] };
}

function signalEvent(workItem: string) {
  const signal = {
    id: `work_item.overdue:${workItem}`,
    subject: { kind: 'work_item', id: workItem },
    chain: [{ kind: 'work_item', id: workItem }],
    affectedOwners: [],
  } as unknown as Signal;
  return { kind: 'signal' as const, data: { action: 'raised', signal }, owners: [], units: [] };
}

const named = (event: { data: unknown } | null): string[] =>
  event === null ? [] : (event.data as StateChanges).workItems;

describe('live events and work linked through an epic', () => {
  it("sends a child of a linked epic to those who see the epic's milestone", () => {
    const plan = planWithEpics();
    // Priya's unit (IT) runs I-ERP: she sees the go-live, so its work's children.
    expect(named(liveEventFor(plan, 'priya', stateEvent(['ERP-17']), [], parentOf))).toEqual([
      'ERP-17',
    ]);
    expect(liveEventFor(plan, 'priya', signalEvent('ERP-17'), [], parentOf)).not.toBeNull();
    // Sam (Operations) does not see IT's go-live, nor its work, without an incident naming it.
    expect(liveEventFor(plan, 'sam', stateEvent(['ERP-17']), [], parentOf)).toBeNull();
    expect(liveEventFor(plan, 'sam', signalEvent('ERP-17'), [], parentOf)).toBeNull();
  });

  it('without the parent lookup, the child is unknown and left out (what the lookup fixes)', () => {
    const plan = planWithEpics();
    expect(liveEventFor(plan, 'priya', stateEvent(['ERP-17']))).toBeNull();
  });

  it("keeps a confidential initiative's epic children from those not cleared, even with a signal", () => {
    const plan = planWithEpics();
    for (const person of ['sam', 'marco', 'priya']) {
      expect(liveEventFor(plan, person, stateEvent(['DIV-5']), [], parentOf), person).toBeNull();
      expect(liveEventFor(plan, person, signalEvent('DIV-5'), [], parentOf), person).toBeNull();
    }
    // Lena (strategy office) is cleared for I-DIVEST.
    expect(named(liveEventFor(plan, 'lena', stateEvent(['DIV-5']), [], parentOf))).toEqual([
      'DIV-5',
    ]);
  });
});
