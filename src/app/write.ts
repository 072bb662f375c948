import type { IsoDate } from '../core/domain/plan.ts';
import type { PlanEntityChange } from '../core/plan/diff-plan.ts';
import { type AuditEntry, appendAudit, type WriteOrigin } from '../store/audit-store.ts';
import type { Queryable } from '../store/database.ts';
import type { SignalSync } from '../store/signal-store.ts';
import { lockForWrite } from '../store/write-lock.ts';
import { guardClosedPeriods } from './closed-period-guard.ts';
import type { AppContext } from './context.ts';
import { ENGINE_ACTOR, noteWrite, openLater } from './auto-open-decisions.ts';
import { mergeNamed, type NamedEntities, recomputeSignals, type Snapshot } from './derive.ts';
import { createLiveModel } from './live-model.ts';

export type { WriteOrigin } from '../store/audit-store.ts';

/**
 * Who makes a write: a person of the plan (their id), a source (`source:jira:acme`), or the
 * product itself (`engine`, `clock`, `cli`); and the door it came through.
 */
export interface Actor {
  id: string;
  origin: WriteOrigin;
}

/**
 * An actor, or the id of one calling in-process (the command line, a script, a test): recorded
 * as coming through the command line.
 */
export type ActorLike = Actor | string;

export function toActor(actor: ActorLike): Actor {
  return typeof actor === 'string' ? cliActor(actor) : actor;
}

/** The command line, acting for a person when one is named (`--actor`), else as `cli`. */
export function cliActor(id = 'cli'): Actor {
  return { id, origin: { via: 'cli' } };
}

/** The server's own writes: the minute tick, workers. */
export function serverActor(id: 'clock' | 'engine' | 'worker'): Actor {
  return { id, origin: { via: 'server' } };
}

/** A source of work items writing what it sent (a Jira site, a push client's source). */
export function sourceActor(source: string, origin: WriteOrigin): Actor {
  return { id: `source:${source}`, origin };
}

/** What a write's body is given: its transaction, its time, its actor, and two requests. */
export interface WriteScope {
  readonly tx: Queryable;
  /** The clock's instant when the write started: one time for everything it stores. */
  readonly at: Date;
  /** The clock's day: what the engine derives "as of". */
  readonly asOf: IsoDate;
  readonly actor: Actor;
  /** Adds entries to the audit log; they commit with the write. */
  audit: (...entries: AuditEntry[]) => void;
  /**
   * Asks for the derived state to be brought up to date before the commit: the engine's update,
   * the signals and their history, the decisions incidents open, the live events. When the
   * change came from a source, its times feed the reality-latency figures.
   */
  derive: (request?: DeriveRequest) => void;
  /**
   * Brings the derived state up to date now, when `derive` asked for it since the last time (the
   * write does it at the end otherwise), for a body that must answer with the signals it moved.
   */
  settle: () => Promise<Derived>;
  /** The plan, the work and the derived state as they stand in this write (null: no plan). */
  snapshot: () => Promise<Snapshot | null>;
}

/** What a body tells `derive` besides "derive": where the change came from, what it named. */
export interface DeriveRequest {
  /** When the change happened at its source and when we received it (reality latency). */
  sourceChangedAt?: string | null;
  receivedAt?: string | null;
  /**
   * The plan's entities the body changed itself (a plan apply): the live `state` event names
   * them even when the state is derived in full and the engine cannot say what moved.
   */
  named?: NamedEntities;
}

/** What bringing the derived state up to date did. */
export interface Derived {
  /** The signals raised, changed and resolved (none when nothing was derived). */
  signals: SignalSync;
  /** Decisions opened by themselves (incidents beyond the rights of whom they reach). */
  decisions: string[];
  snapshot: Snapshot | null;
}

export interface WriteOptions {
  /** Do all the work, then roll it back: what would change, and nothing changed. */
  dryRun?: boolean;
  /**
   * On a dry run only: leave closed periods' frozen figures unchecked, to learn what a write would
   * change before asking whether its author may make it (the real write checks them).
   */
  ignoreClosedPeriods?: boolean;
}

export interface Written<T> extends Derived {
  value: T;
  durationMs: number;
}

const NO_SIGNAL_CHANGE: SignalSync = { raised: [], changed: [], resolved: [] };

class DryRunRollback extends Error {}

/**
 * The one unit of work every write goes through: one transaction holding the writers' lock; the
 * body's changes; when it asks, the engine's update of the in-memory model, the signals and their
 * history, the live events (and, on PostgreSQL, the NOTIFY that wakes other instances at commit);
 * the audit log with the actor and the request's origin. All of it commits, or none of it: a
 * failed or dry-run write also makes the model forget what it saw, so the next read reloads.
 */
export async function write<T>(
  ctx: AppContext,
  actorLike: ActorLike,
  body: (scope: WriteScope) => T | Promise<T>,
  options: WriteOptions = {},
): Promise<Written<T>> {
  const started = performance.now();
  const actor = toActor(actorLike);
  const dryRun = options.dryRun === true;
  const model = ctx.model ?? createLiveModel();
  // The opener of deferred decisions prices only while no other write runs.
  const noted = !dryRun && ctx.model !== undefined && actor.id !== ENGINE_ACTOR;
  if (noted) noteWrite(model, 1);
  let written: Omit<Written<T>, 'durationMs'> | undefined;
  try {
    await ctx.db.transaction(async (tx) => {
      await lockForWrite(ctx.db, tx);
      const at = ctx.clock.now();
      const asOf = ctx.clock.asOf();
      const entries: AuditEntry[] = [];
      let pending: {
        sourceChangedAt: string | null;
        receivedAt: string | null;
        named: NamedEntities;
      } | null = null;
      const derived: Derived = { signals: NO_SIGNAL_CHANGE, decisions: [], snapshot: null };
      const settle = async (): Promise<Derived> => {
        if (pending === null) return derived;
        const source = pending;
        pending = null;
        const step = await recomputeSignals(tx, asOf, at, {
          model,
          notify: ctx.db.kind === 'postgres' && !dryRun,
          // A server (its model lives on): decisions a big portfolio would price in every write
          // open after the commit instead (the model says when).
          deferDecisions: ctx.model !== undefined,
          sourceChangedAt: source.sourceChangedAt,
          receivedAt: source.receivedAt,
          named: source.named,
        });
        derived.signals = mergeSync(derived.signals, step.signals);
        derived.decisions.push(...step.decisions);
        derived.snapshot = step.snapshot;
        for (const id of step.decisions)
          entries.push({
            action: 'decision.open',
            item: `decision/${id}`,
            after: { by: 'engine' },
          });
        return derived;
      };
      const scope: WriteScope = {
        tx,
        at,
        asOf,
        actor,
        audit: (...more) => entries.push(...more),
        derive: (request) => {
          pending = {
            sourceChangedAt: earliest(pending?.sourceChangedAt, request?.sourceChangedAt),
            receivedAt: earliest(pending?.receivedAt, request?.receivedAt),
            named: mergeNamed(pending?.named ?? {}, request?.named ?? {}),
          };
        },
        settle,
        snapshot: async () => (await model.refresh(tx, asOf)).snapshot,
      };
      // Closed periods' frozen figures: a write that would change one is refused whole.
      const guard =
        dryRun && options.ignoreClosedPeriods === true ? null : await guardClosedPeriods(tx);
      const value = await body(scope);
      await guard?.check();
      await settle();
      await appendAudit(tx, entries, at, actor.id, actor.origin);
      written = { value, ...derived };
      if (dryRun) throw new DryRunRollback();
    });
  } catch (error) {
    // The model may have seen writes that were rolled back.
    model.invalidate();
    if (!(error instanceof DryRunRollback)) throw error;
  } finally {
    if (noted) noteWrite(model, -1);
  }
  if (written === undefined) throw new Error('write finished without a result');
  if (!dryRun && ctx.model !== undefined && model.autoOpenLedger.deferred) openLater(ctx, model);
  return { ...written, durationMs: performance.now() - started };
}

/** Two recomputes in one write as one: a signal the first raised and the second resolved never was. */
function mergeSync(a: SignalSync, b: SignalSync): SignalSync {
  if (a.raised.length + a.changed.length + a.resolved.length === 0) return b;
  return {
    ...b,
    raised: [...new Set([...a.raised, ...b.raised])].filter((id) => !b.resolved.includes(id)),
    changed: [...new Set([...a.changed, ...b.changed])].filter((id) => !b.resolved.includes(id)),
    resolved: [...new Set([...a.resolved, ...b.resolved.filter((id) => !a.raised.includes(id))])],
  };
}

function earliest(a: string | null | undefined, b: string | null | undefined): string | null {
  if (a === null || a === undefined) return b ?? null;
  if (b === null || b === undefined) return a;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

/** The audit entries of plan changes: one per entity, with the fields an update changed. */
export function planAudit(changes: readonly PlanEntityChange[]): AuditEntry[] {
  return changes.map((change) => ({
    action: `plan.${change.action === 'created' ? 'create' : change.action === 'removed' ? 'remove' : 'update'}`,
    item: `${change.collection}/${change.id}`,
    before: change.action === 'created' ? null : pick(change.before, change.fields),
    after: change.action === 'removed' ? null : pick(change.after, change.fields),
  }));
}

/** An update's changed fields only (created and removed entities whole). */
function pick(entity: unknown, fields: readonly string[]): unknown {
  if (fields.length === 0 || entity === null || typeof entity !== 'object') return entity;
  const record = entity as Record<string, unknown>;
  return Object.fromEntries(fields.map((field) => [field, record[field] ?? null]));
}
