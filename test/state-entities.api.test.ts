import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { StateChanges as ProducedChanges } from '../src/app/live-events.ts';
import { DEMO_FILES } from '../src/app/load-demo.ts';
import {
  MAX_STATE_ENTITY_IDS,
  signalFrame,
  stateFrame,
  type SignalFrame,
  type StateChanges,
  type StateFrame,
} from '../src/contract/live-events.ts';
import type { InboxSignal, ObjectiveView, StateView } from '../src/web/api/types.ts';
import {
  applySignal,
  mergeEntities,
  sightOfView,
  type StateEntities,
} from '../src/web/live/live-apply.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { useDemoApi } from './support/api-client.ts';
import { TEST_DATABASES } from './support/databases.ts';
import { connectSse, type SseClient } from './support/sse-client.ts';

/**
 * `POST /api/v1/state/entities` (issue 10, part 2): the entities a live `state` event names, in
 * the shapes of `GET /api/v1/state` and as the caller may see them there; hidden or gone ids come
 * back as removed. The ERP-17 slip's events applied to the view and the signals a browser held
 * give exactly what `GET /api/v1/state` and `GET /api/v1/signals` answer after it, for a reader
 * who sees everything and for one who does not. Hostile bodies are refused with a clear 400.
 */

const PATH = '/api/v1/state/entities';

/** The write path's `state` payload is the contract's, both ways (a type check: tsc fails else). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const producedIsDeclared: Same<ProducedChanges, StateChanges> = true;
void producedIsDeclared;

interface ErrorBody {
  code: string;
  message: string;
  path?: string;
}

/** Every node of a view by kind and id (a KPI or initiative under several objectives: the first). */
function nodes(state: StateView) {
  const objectives = new Map<string, ObjectiveView>();
  const kpis = new Map<string, ObjectiveView['kpis'][number]>();
  const initiatives = new Map<string, ObjectiveView['initiatives'][number]>();
  const milestones = new Map<string, ObjectiveView['initiatives'][number]['milestones'][number]>();
  const visit = (o: ObjectiveView): void => {
    objectives.set(o.id, o);
    for (const k of o.kpis) if (!kpis.has(k.id)) kpis.set(k.id, k);
    for (const i of o.initiatives) {
      if (!initiatives.has(i.id)) initiatives.set(i.id, i);
      for (const m of i.milestones) milestones.set(m.id, m);
    }
    o.children.forEach(visit);
  };
  state.objectives.forEach(visit);
  return { objectives, kpis, initiatives, milestones };
}

describe.each(TEST_DATABASES)('the live entities route on $name', (kind) => {
  const api = useDemoApi(kind, ['dana', 'sam', 'priya']);
  const { call, tokens } = api;

  it('answers named entities in the shapes of the strategic view, hidden and unknown ones as removed', async () => {
    const request = {
      objectives: ['O-COST', 'O-NONE'],
      kpis: ['K-SAVINGS', 'K-PLANT3-COST'],
      initiatives: ['I-ERP', 'I-DIVEST'],
      milestones: ['M-GOLIVE', 'M-DIVEST-BUYER', 'M-GOLIVE'],
      workItems: ['ERP-17', 'NOPE-1'],
    };
    for (const person of ['dana', 'sam', 'priya'] as const) {
      const state = await call<StateView>(person, 'GET', '/api/v1/state');
      const held = nodes(state.body);
      const answer = await call<StateEntities>(person, 'POST', PATH, request);
      expect(answer.status).toBe(200);
      expect(answer.body.asOf).toBe(state.body.asOf);
      expect(answer.body.openSignals).toBe(state.body.openSignals);
      expect(answer.body.sight).toBe(sightOfView(state.body));
      // Each answered entity is the view's own (objectives and initiatives without what is under them).
      for (const o of answer.body.objectives) {
        const { kpis: _k, initiatives: _i, children: _c, ...own } = held.objectives.get(o.id)!;
        expect(o).toEqual(own);
      }
      for (const k of answer.body.kpis) expect(k).toEqual(held.kpis.get(k.id));
      for (const i of answer.body.initiatives) {
        const { milestones: _m, ...own } = held.initiatives.get(i.id)!;
        expect(i).toEqual(own);
      }
      for (const m of answer.body.milestones) expect(m).toEqual(held.milestones.get(m.id));
      // ERP-17 is answered as the milestones that show it; M-GOLIVE asked twice comes once.
      const milestoneIds = answer.body.milestones.map((m) => m.id);
      expect(new Set(milestoneIds).size).toBe(milestoneIds.length);
      for (const m of held.milestones.values()) {
        if (m.workItems.some((w) => w.key === 'ERP-17')) expect(milestoneIds).toContain(m.id);
      }
      // What the person does not see in GET /state is removed here, like what does not exist.
      const shown = new Set(
        [...held.milestones.values()].flatMap((m) => m.workItems.map((w) => w.key)),
      );
      expect(answer.body.removed).toEqual({
        objectives: request.objectives.filter((id) => !held.objectives.has(id)),
        kpis: request.kpis.filter((id) => !held.kpis.has(id)),
        initiatives: request.initiatives.filter((id) => !held.initiatives.has(id)),
        milestones: [...new Set(request.milestones)].filter((id) => !held.milestones.has(id)),
        workItems: request.workItems.filter((id) => !shown.has(id)),
      });
      expect(answer.body.removed.objectives).toEqual(['O-NONE']);
      expect(answer.body.removed.workItems).toContain('NOPE-1');
      if (person === 'dana') {
        expect(answer.body.kpis.map((k) => k.id)).toEqual(['K-SAVINGS', 'K-PLANT3-COST']);
      } else {
        // Sam and Priya do not see the confidential divestment.
        expect(answer.body.removed.kpis).toContain('K-PLANT3-COST');
        expect(answer.body.removed.initiatives).toContain('I-DIVEST');
        expect(answer.body.removed.milestones).toContain('M-DIVEST-BUYER');
      }
      // The same request twice: the same answer, nothing changed by asking.
      const again = await call<StateEntities>(person, 'POST', PATH, request);
      expect(again).toEqual(answer);
    }
  });

  it("merges the ERP-17 slip's events into a held view and signal list exactly as GET /state and /signals answer after it", async () => {
    const readers = ['dana', 'priya'] as const;
    const before = new Map<string, { state: StateView; signals: InboxSignal[]; sse: SseClient }>();
    for (const person of readers) {
      const sse = connectSse(`${api.base}/api/v1/events`, tokens[person]!);
      await sse.opened;
      const state = await call<StateView>(person, 'GET', '/api/v1/state');
      const signals = await call<{ signals: InboxSignal[] }>(person, 'GET', '/api/v1/signals');
      before.set(person, { state: state.body, signals: signals.body.signals, sse });
    }
    const hook = await readFile(DEMO_FILES.erp17Slip, 'utf8');
    const ingest = await fetch(`${api.base}/api/v1/jira/ingest?source=demo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['dana']!}`, 'content-type': 'application/json' },
      body: hook,
    });
    expect(ingest.status).toBe(200);
    for (const person of readers) {
      const held = before.get(person)!;
      await held.sse.waitFor((e) => e.event === 'state', 10_000);
      // The write's events come together; give any later one a moment, then take them all.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const frames: StateFrame[] = held.sse.events
        .filter((e) => e.event === 'state')
        .map((e) => stateFrame.parse(e.data));
      const named = (pick: (f: StateFrame) => string[]): string[] => [
        ...new Set(frames.flatMap(pick)),
      ];
      const frame = {
        objectives: named((f) => f.objectives),
        kpis: named((f) => f.kpis),
        initiatives: named((f) => f.initiatives),
        milestones: named((f) => f.milestones),
        workItems: named((f) => f.workItems),
      };
      expect(frames.every((f) => f.all === undefined)).toBe(true);
      if (person === 'dana') expect(frame.milestones).toContain('M-GOLIVE');
      // Only what was named is asked for; the merged view is the view the server answers now.
      const answer = await call<StateEntities>(person, 'POST', PATH, {
        objectives: frame.objectives,
        kpis: frame.kpis,
        initiatives: frame.initiatives,
        milestones: frame.milestones,
        workItems: frame.workItems,
      });
      expect(answer.status).toBe(200);
      const merged = mergeEntities(held.state, answer.body);
      const after = await call<StateView>(person, 'GET', '/api/v1/state');
      if (person === 'dana') {
        // Dana sees everything: the merge is the whole view now.
        expect(merged.complete).toBe(true);
        expect(merged.state).toEqual(after.body);
        expect(merged.state).not.toEqual(held.state);
      } else {
        // The slip's incident reaches Priya: she now sees what it names (M-PILOT's initiative
        // and objective). The merge says so, and the browser loads her view whole.
        expect(merged.complete).toBe(false);
        expect(sightOfView(after.body)).not.toBe(sightOfView(held.state));
        expect(sightOfView(after.body)).toBe(answer.body.sight);
      }
      if (person === 'dana') {
        expect(merged.change.lines).toContain(
          'Realised cost savings (K-SAVINGS) 2026-Q4 forecast $1,268,571 → $788,571',
        );
        expect(merged.change.ids).toEqual(expect.arrayContaining(['K-SAVINGS', 'M-GOLIVE']));
        expect(merged.change.tone).toBe('off_track');
      }
      // The signal events, applied from their payloads, give the list GET /signals answers now
      // (after a merge that was not complete the browser loads the signals whole as well).
      if (!merged.complete) {
        held.sse.close();
        continue;
      }
      const signalFrames: SignalFrame[] = held.sse.events
        .filter((e) => e.event === 'signal')
        .map((e) => signalFrame.parse(e.data));
      if (person === 'dana') expect(signalFrames.length).toBeGreaterThan(0);
      let signals = held.signals;
      for (const f of signalFrames) {
        const applied = applySignal(signals, f, person);
        expect(applied.complete).toBe(true);
        signals = applied.signals;
      }
      const listed = await call<{ signals: InboxSignal[] }>(person, 'GET', '/api/v1/signals');
      expect(signals).toEqual(listed.body.signals);
      held.sse.close();
    }
  });

  it('refuses hostile bodies with a 400 naming the place, and callers without a good token', async () => {
    const refused = async (body: unknown, path: RegExp): Promise<void> => {
      const answer = await call<ErrorBody>('dana', 'POST', PATH, body);
      expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(400);
      expect(answer.body.code).toBe('request.invalid');
      expect(answer.body.path ?? '').toMatch(path);
      expect(JSON.stringify(answer.body).length).toBeLessThan(10_000);
    };
    await refused({ milestones: ['M-\u0000GOLIVE'] }, /milestones.*0/);
    await refused({ kpis: ['x'.repeat(2 * 1024 * 1024)] }, /kpis.*0/);
    await refused({ kpis: [''] }, /kpis.*0/);
    await refused(
      { workItems: Array.from({ length: MAX_STATE_ENTITY_IDS + 1 }, (_, i) => `W-${i}`) },
      /workItems/,
    );
    await refused({ units: ['IT'] }, /body/);
    await refused({ milestones: [{ id: 'M-GOLIVE' }] }, /milestones.*0/);
    // More ids in all than one request may name, though each list is within its bound.
    const half = Array.from({ length: MAX_STATE_ENTITY_IDS / 2 + 1 }, (_, i) => `X-${i}`);
    const tooMany = await call<ErrorBody>('dana', 'POST', PATH, { kpis: half, milestones: half });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toContain(`at most ${MAX_STATE_ENTITY_IDS}`);
    // No token, a bad one: 401 before anything is read.
    expect((await call<ErrorBody>(null, 'POST', PATH, { kpis: ['K-SAVINGS'] })).status).toBe(401);
    expect((await call<ErrorBody>('tl_nope_nope', 'POST', PATH, { kpis: [] })).status).toBe(401);
    // A read: a token with the read scope may ask.
    const now = new Date();
    const reader = await createApiToken(
      api.db,
      'priya',
      'read only',
      now,
      new Date(now.getTime() + 3_600_000),
      'read',
    );
    const read = await call<StateEntities>(reader, 'POST', PATH, { objectives: ['O-COST'] });
    expect(read.status).toBe(200);
    // An encoded path is not another way in.
    const encoded = await fetch(`${api.base}/%61pi/v1/state/entities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(encoded.status).not.toBe(200);
  });
});
