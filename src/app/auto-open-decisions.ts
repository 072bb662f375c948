import type { EngineInput } from '../core/engine/compute-state.ts';
import { DomainError } from '../core/errors.ts';
import { groupIncidents } from '../core/incidents/group-incidents.ts';
import { incidentOptions } from '../core/incidents/incident-options.ts';
import type { AppContext } from './context.ts';
import type { Queryable } from '../store/database.ts';
import { decisionsOfIncidents } from '../store/decision-store.ts';
import { loadLatestChanges } from '../store/work-item-store.ts';
import type { Snapshot } from './derive.ts';
import type { LiveModel } from './live-model.ts';
import { openDecisionIn } from './open-decision.ts';
import { serverActor, write } from './write.ts';

/** Who the history names as having opened a decision by itself. */
export const ENGINE_ACTOR = 'engine';

/** At most this many decisions open by themselves in one write; the next write opens the rest. */
export const AUTO_OPEN_PER_WRITE = 3;

/**
 * What the last look at the incidents left: whether every incident beyond the rights of whom it
 * reaches was settled (it has its decision, or none is due), so that a write after which the
 * engine moved no signal need not look again. Kept by the live model, forgotten with it.
 */
export interface AutoOpenLedger {
  /**
   * Bumped by the live model whenever the engine raises, changes or resolves a signal or derives
   * in full, whoever's refresh it was (a write here, another instance's events being caught up).
   */
  epoch: number;
  /** The epoch the last look started at, when it left nothing due; null otherwise. */
  settledAt: number | null;
  /** True when a write left the look to the opener that runs after the commit (`openLater`). */
  deferred: boolean;
}

export function createAutoOpenLedger(): AutoOpenLedger {
  return { epoch: 0, settledAt: null, deferred: false };
}

/**
 * The most pricing one option may be expected to cost (ms) for a write to open decisions itself.
 * Pricing derives the whole portfolio again per option (about half a second each at 10,000
 * milestones and 100,000 work items): beyond this, a server's write leaves the decisions to the
 * opener that runs after the commit, so that it never holds up the live path.
 */
export const IN_WRITE_PRICING_MS = 50;

/**
 * Opens a decision, inside the write, for each current incident that goes beyond the decision
 * rights of the person it reaches (docs/DECISIONS.md "Opening automatically"): the largest money
 * first, at most AUTO_OPEN_PER_WRITE, and only for an incident that has had no decision since
 * it began (its earliest open signal was raised). A plan without decision rights sets no
 * threshold: nothing opens by itself. Returns the ids of the decisions opened.
 *
 * The incidents are made of the engine's signals over the plan, and whether one is due depends
 * on its decisions, which only opening one adds to while it lasts: when the last look settled
 * every incident and the engine moved no signal since (`ledger`), none can be due, and the write
 * skips grouping them again (the most of a write's work on a big portfolio). An option the plan
 * refuses leaves its incident unsettled: the next write tries again, as it always did.
 */
export async function autoOpenDecisions(
  tx: Queryable,
  snapshot: Snapshot,
  at: Date,
  ledger?: AutoOpenLedger,
  defer = false,
): Promise<string[]> {
  if (ledger !== undefined && ledger.settledAt === ledger.epoch) return [];
  if (ledger !== undefined && defer) {
    ledger.deferred = true;
    return [];
  }
  const epoch = ledger?.epoch ?? 0;
  const opened = await openDue(tx, snapshot, at);
  if (ledger !== undefined) ledger.settledAt = opened.settled ? epoch : null;
  return opened.ids;
}

async function openDue(
  tx: Queryable,
  snapshot: Snapshot,
  at: Date,
  limit = AUTO_OPEN_PER_WRITE,
): Promise<{ ids: string[]; settled: boolean }> {
  const { plan, state } = snapshot;
  if ((plan.decisionRights ?? []).length === 0 || state.signals.length === 0)
    return { ids: [], settled: true };
  const beyond = groupIncidents(plan, state, state.signals)
    .filter((i) => i.reaches !== null && !i.reaches.covered)
    .sort((a, b) => b.reaches!.amount - a.reaches!.amount);
  const opened: string[] = [];
  if (beyond.length === 0) return { ids: opened, settled: true };
  // Every incident's decisions in one read, not one read per incident.
  const decided = await decisionsOfIncidents(
    tx,
    beyond.map((i) => i.id),
  );
  let input: EngineInput | null = null;
  let refused = false;
  for (const incident of beyond) {
    const earlier = decided.get(incident.id) ?? [];
    if (earlier.some((d) => d.status === 'open')) continue;
    if (earlier.length > 0) {
      const began = await incidentBegan(
        tx,
        incident.signals.map((s) => s.id),
      );
      if (began === null || earlier.some((d) => Date.parse(d.openedAt) >= began)) continue;
    }
    if (incidentOptions(plan, state, incident, state.signals).length === 0) continue;
    // One more is due: the next write opens it.
    if (opened.length >= limit) return { ids: opened, settled: false };
    input ??= {
      plan,
      workItems: snapshot.workItems,
      changes: snapshot.changes ?? (await loadLatestChanges(tx)),
      asOf: state.asOf,
    };
    try {
      const { decision, created } = await openDecisionIn(
        tx,
        at,
        input,
        state,
        { incident: incident.id },
        ENGINE_ACTOR,
        incident,
      );
      if (created) opened.push(decision.id);
    } catch (error) {
      // An option the plan refuses is the engine's problem, not the write's: open it by hand.
      if (!(error instanceof DomainError)) throw error;
      refused = true;
    }
  }
  return { ids: opened, settled: !refused };
}

/** When an incident began: the earliest raising of its open signals (ms), null when none is stored. */
async function incidentBegan(tx: Queryable, signalIds: readonly string[]): Promise<number | null> {
  if (signalIds.length === 0) return null;
  const placeholders = signalIds.map((_, k) => `$${k + 1}`).join(', ');
  const [row] = await tx.query<{ began: Date | null }>(
    `SELECT min(raised_at) AS began FROM signal WHERE status = 'open' AND id IN (${placeholders})`,
    [...signalIds],
  );
  return row?.began == null ? null : new Date(row.began).getTime();
}

/** The opener waits for this long without a write before it prices (ms). */
export const OPENER_QUIET_MS = 5_000;
/** ...but no longer than this after a write first left decisions to it (ms). */
const LONGEST_WAIT_MS = 5 * 60_000;

interface Opener {
  timer: NodeJS.Timeout | null;
  running: boolean;
  /** Writes other than its own under way. */
  active: number;
  /** When a write other than its own last committed, and when the first write left it decisions (ms). */
  lastAt: number;
  firstAt: number | null;
}

const openers = new WeakMap<LiveModel, Opener>();

/**
 * After a write that left the decisions due to open by themselves to later (pricing their
 * options would hold up the live path: see IN_WRITE_PRICING_MS), opens them once no other write
 * has run for the model's `openerQuietMs` (or LONGEST_WAIT_MS after the first such write, under
 * a load that never pauses): one decision per write of its own by `engine`, as the write itself
 * would have opened it. Their notices go out with the next telling of decisions (the server's
 * minute tick, or the next write). Safe to call after every write; runs one at a time. The
 * writes it waits for tell it through `noteWrite`.
 */
export function openLater(ctx: AppContext, model: LiveModel): void {
  const opener = openerOf(model);
  opener.firstAt ??= Date.now();
  arm(ctx, model, opener, model.openerQuietMs);
}

/**
 * Tells the opener that a write (not its own) starts (+1) or ends (-1): it prices only while
 * none runs and none ended in the last OPENER_QUIET_MS.
 */
export function noteWrite(model: LiveModel, step: 1 | -1): void {
  const opener = openerOf(model);
  opener.active += step;
  opener.lastAt = Date.now();
}

function openerOf(model: LiveModel): Opener {
  let opener = openers.get(model);
  if (opener === undefined) {
    opener = { timer: null, running: false, active: 0, lastAt: Date.now(), firstAt: null };
    openers.set(model, opener);
  }
  return opener;
}

/** How long no write has run (ms): 0 while one does. */
function quietFor(opener: Opener, now: number): number {
  return opener.active > 0 ? 0 : now - opener.lastAt;
}

function arm(ctx: AppContext, model: LiveModel, opener: Opener, ms: number): void {
  if (opener.timer !== null || opener.running) return;
  opener.timer = setTimeout(() => {
    opener.timer = null;
    const now = Date.now();
    const quiet = quietFor(opener, now);
    const waited = now - (opener.firstAt ?? now);
    const quietMs = model.openerQuietMs;
    if (quiet < quietMs && waited < LONGEST_WAIT_MS) {
      arm(ctx, model, opener, Math.max(10, Math.min(quietMs - quiet, LONGEST_WAIT_MS - waited)));
      return;
    }
    opener.running = true;
    const forced = quiet < quietMs;
    openDeferred(ctx, model, forced)
      .then((done) => {
        // Done, or put off again by a write (a forced run opens one decision, then waits again).
        opener.firstAt = done ? null : Date.now();
      })
      .catch(() => {
        // The database went away (a server closing) or the write failed: the decisions stay
        // due, and the next write that moves a signal leaves them here again.
        opener.firstAt = null;
        model.autoOpenLedger.settledAt = null;
      })
      .finally(() => {
        opener.running = false;
        if (model.autoOpenLedger.deferred) arm(ctx, model, opener, model.openerQuietMs);
      });
  }, ms);
  opener.timer.unref();
}

/**
 * Opens what is due, one decision per write (pricing its options blocks for as long as the
 * engine takes), for as long as no other write comes in between; a forced run opens one and
 * stops. True when nothing is left due.
 */
async function openDeferred(ctx: AppContext, model: LiveModel, forced: boolean): Promise<boolean> {
  const ledger = model.autoOpenLedger;
  for (;;) {
    ledger.deferred = false;
    const epoch = ledger.epoch;
    const { value } = await write(ctx, serverActor('engine'), async (scope) => {
      const snapshot = await scope.snapshot();
      if (snapshot === null) return { ids: [], settled: true };
      const opened = await openDue(scope.tx, snapshot, scope.at, 1);
      for (const id of opened.ids)
        scope.audit({ action: 'decision.open', item: `decision/${id}`, after: { by: 'engine' } });
      return opened;
    });
    if (value.settled) {
      if (ledger.epoch === epoch && !ledger.deferred) ledger.settledAt = epoch;
      return !ledger.deferred;
    }
    // More are due: the next one, unless the live path needs the time.
    const opener = openerOf(model);
    if (forced || quietFor(opener, Date.now()) < model.openerQuietMs) {
      ledger.deferred = true;
      return false;
    }
  }
}
