import type { z } from 'zod';
import {
  decisionFrame,
  MAX_STATE_ENTITY_IDS,
  signalFrame,
  STATE_KINDS,
  stateFrame,
  type SignalFrame,
  type StateKind,
} from '../../contract/live-events.ts';
import { api } from '../api/client.ts';
import type {
  InboxSignal,
  SignalList,
  SourceFreshness,
  SourceList,
  StateView,
  Status,
} from '../api/types.ts';
import { setProductDay } from '../format/clock.ts';
import {
  type AppliedChange,
  applySignal,
  compareSignals,
  compareViews,
  Describer,
  mergeEntities,
  type StateEntities,
} from './live-apply.ts';

/** One "something changed" notice, shown without a reload. */
export interface LiveNotice {
  id: number;
  title: string;
  lines: string[];
  tone: Status | 'info';
}

/** One change the app saw, for the list of what changed (`/changes`). */
export interface LiveChange {
  id: number;
  /** When the app saw it (the wall clock; shown on the product's clock). */
  at: string;
  lines: string[];
  /** The objectives, KPIs, initiatives and milestones it touched. */
  ids: string[];
  tone: Status | 'info';
}

/** How the app hears about changes: pushed by the server (SSE), or by asking every second. */
export type LiveMode = 'connecting' | 'push' | 'poll';

export interface LiveSnapshot {
  state: StateView | null;
  signals: InboxSignal[] | null;
  sources: SourceFreshness[] | null;
  /** Bumps whenever the state or the signals changed: pages refetch their details on it. */
  version: number;
  /**
   * Bumps with `version`, and when the server says the resource bottleneck moved though nothing
   * of the strategic view did (a `state` event with `capacity: true`): capacity pages refetch on it.
   */
  capacityVersion: number;
  /**
   * Bumps with `version`, and when the server says a decision took a step (a `decision` event:
   * opened, option added, decided …): decision pages refetch on it.
   */
  decisionVersion: number;
  mode: LiveMode;
  /** Ids of objectives, KPIs, initiatives and milestones that just changed. */
  changed: ReadonlySet<string>;
  /**
   * The view before the latest change, while its figures are highlighted: where a figure moved,
   * the page shows its old value beside the new one. Null once the highlight is over.
   */
  before: StateView | null;
  /** At most one compact notice: how many things changed, linking to the list. */
  notices: LiveNotice[];
  /** What changed since the app started, newest first (the last 50). */
  changes: LiveChange[];
  /** Set while the server cannot be reached. */
  offline: boolean;
}

export interface LiveStore {
  subscribe: (listener: () => void) => () => void;
  getSnapshot: () => LiveSnapshot;
  /** Loads everything now, then keeps it up to date. */
  start: () => void;
  stop: () => void;
  /** Asks the server again now (after an action of ours, say). */
  refresh: () => Promise<void>;
  dismiss: (noticeId: number) => void;
}

const POLL_MS = 1000;
const HIGHLIGHT_MS = 8000;
const NOTICE_MS = 20000;
const KEEP_CHANGES = 50;
/** Events that arrive together (one write's signals and its state change) are applied as one. */
const GATHER_MS = 10;

/** The ids a `state` event named, gathered until they are fetched. */
type NamedIds = Record<StateKind, Set<string>>;

function noIds(): NamedIds {
  return {
    objectives: new Set(),
    kpis: new Set(),
    initiatives: new Set(),
    milestones: new Set(),
    workItems: new Set(),
  };
}

function countIds(ids: NamedIds): number {
  return STATE_KINDS.reduce((sum, kind) => sum + ids[kind].size, 0);
}

/** What the feed brought since it was last applied. */
interface Pending {
  /** Load everything: the first load, `all`, a reconnect that could not resume, a poll. */
  full: boolean;
  signals: SignalFrame[];
  ids: NamedIds;
  /** The day the latest `state` event was derived for. */
  asOf: string | null;
}

function nothingPending(): Pending {
  return { full: false, signals: [], ids: noIds(), asOf: null };
}

/** An SSE event's payload read with its schema; null when it does not match. */
function readFrame<T>(schema: z.ZodType<T>, event: Event): T | null {
  if (!(event instanceof MessageEvent) || typeof event.data !== 'string') return null;
  try {
    const read = schema.safeParse(JSON.parse(event.data));
    return read.success ? read.data : null;
  } catch {
    return null;
  }
}

/** Who the app is signed in as: a signal's `forMe` is read from its affected owners. */
export interface LiveStoreOptions {
  personId?: string | null;
}

/**
 * The live data of the signed-in app: the strategic view, the signals, the sources. Loaded whole
 * once, then kept current by the live feed (docs/LIVE.md "In the web app"): a `signal` event is
 * applied from its payload, a `state` event fetches only the entities it names and merges them;
 * only the first load, `all`, a reconnect that could not resume and the polling fallback load
 * everything.
 */
export function createLiveStore(options: LiveStoreOptions = {}): LiveStore {
  const personId = options.personId ?? null;
  let snapshot: LiveSnapshot = {
    state: null,
    signals: null,
    sources: null,
    version: 0,
    capacityVersion: 0,
    decisionVersion: 0,
    mode: 'connecting',
    changed: new Set(),
    before: null,
    notices: [],
    changes: [],
    offline: false,
  };
  const listeners = new Set<() => void>();
  let pending = nothingPending();
  let work: Promise<void> | null = null;
  let gathering = false;
  let pollTimer: ReturnType<typeof setInterval> | null = null;
  let events: EventSource | null = null;
  let nextNotice = 1;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let running = false;

  const publish = (next: Partial<LiveSnapshot>): void => {
    snapshot = { ...snapshot, ...next };
    for (const listener of listeners) listener();
  };

  const later = (ms: number, work: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      work();
    }, ms);
    timers.add(timer);
  };

  /** Publishes a new view and signal list, with a notice and highlights for what moved. */
  const show = (state: StateView, signals: InboxSignal[], change: AppliedChange | null): void => {
    // Every time the app shows is on the server's clock (pinned in the demo).
    setProductDay(state.asOf);
    // Sources change with the work: ask for them too, but do not hold the figures back for them.
    void api<SourceList>('/api/v1/sources').then(
      (s) => publish({ sources: s.sources }),
      () => undefined,
    );
    const next: Partial<LiveSnapshot> = {
      state,
      signals,
      version: snapshot.version + 1,
      capacityVersion: snapshot.capacityVersion + 1,
      decisionVersion: snapshot.decisionVersion + 1,
      offline: false,
    };
    if (change !== null && (change.ids.length > 0 || change.lines.length > 0)) {
      const changed = new Set([...snapshot.changed, ...change.ids]);
      const lines = change.lines.length > 0 ? change.lines : ['The figures changed.'];
      const entry: LiveChange = {
        id: nextNotice,
        at: new Date().toISOString(),
        lines,
        ids: change.ids,
        tone: change.tone,
      };
      // One compact notice, replaced by the next: it counts what changed since it showed.
      const shown = snapshot.notices[0];
      const notice: LiveNotice = {
        id: nextNotice++,
        title: 'Updated',
        lines: [...lines, ...(shown?.lines ?? [])],
        tone: change.tone,
      };
      next.changed = changed;
      // The highlight compares with the view before the first change it shows.
      next.before = snapshot.before ?? snapshot.state;
      next.notices = [notice];
      next.changes = [entry, ...snapshot.changes].slice(0, KEEP_CHANGES);
      later(HIGHLIGHT_MS, () => {
        const still = new Set(snapshot.changed);
        for (const id of change.ids) still.delete(id);
        publish({ changed: still, before: still.size === 0 ? null : snapshot.before });
      });
      later(NOTICE_MS, () => store.dismiss(notice.id));
    }
    publish(next);
  };

  /** Loads the whole view and the signals, and says what moved against what was held. */
  const loadAll = async (): Promise<void> => {
    const [state, signals] = await Promise.all([
      api<StateView>('/api/v1/state'),
      api<SignalList>('/api/v1/signals'),
    ]);
    const heldState = snapshot.state;
    const heldSignals = snapshot.signals;
    if (heldState === null || heldSignals === null) {
      show(state, signals.signals, null);
      return;
    }
    const describe = new Describer();
    const view = compareViews(heldState, state, describe);
    const inbox = compareSignals(heldSignals, signals.signals, describe);
    if (!view.moved && !inbox.moved) {
      if (snapshot.offline) publish({ offline: false });
      return;
    }
    show(state, signals.signals, describe.result());
  };

  /** Applies what the feed brought: signals from their payloads, the named entities fetched. */
  const apply = async (batch: Pending): Promise<void> => {
    const heldState = snapshot.state;
    let signals = snapshot.signals;
    if (heldState === null || signals === null) return loadAll();
    // A new day (or more ids than one request may name): everything may have moved.
    if (batch.asOf !== null && batch.asOf !== heldState.asOf) return loadAll();
    if (countIds(batch.ids) > MAX_STATE_ENTITY_IDS) return loadAll();
    const describe = new Describer();
    let signalsWhole = true;
    for (const frame of batch.signals) {
      const applied = applySignal(signals, frame, personId);
      signals = applied.signals;
      if (applied.line !== null) describe.signal(applied.line);
      if (!applied.complete) signalsWhole = false;
    }
    let state = heldState;
    if (countIds(batch.ids) > 0) {
      const body = Object.fromEntries(
        STATE_KINDS.filter((kind) => batch.ids[kind].size > 0).map((kind) => [
          kind,
          [...batch.ids[kind]],
        ]),
      );
      const answer = await api<StateEntities>('/api/v1/state/entities', { method: 'POST', body });
      // Only this loop changes the view: what was held is still what is held.
      const merged = mergeEntities(heldState, answer, describe);
      if (!merged.complete) return loadAll();
      state = merged.state;
    }
    if (!signalsWhole) signals = (await api<SignalList>('/api/v1/signals')).signals;
    if (state === heldState && signals === snapshot.signals) {
      if (snapshot.offline) publish({ offline: false });
      return;
    }
    show(state, signals, describe.result());
  };

  /** Works through what is pending, one step at a time, until nothing is. */
  const drain = async (): Promise<void> => {
    for (;;) {
      const batch = pending;
      if (
        !batch.full &&
        batch.signals.length === 0 &&
        countIds(batch.ids) === 0 &&
        batch.asOf === null
      )
        return;
      pending = nothingPending();
      try {
        // Everything loaded anew covers what was pending before it was asked for.
        if (batch.full) await loadAll();
        else await apply(batch);
      } catch {
        // What was not applied is lost with the connection: load everything once it is back.
        pending.full = true;
        if (!snapshot.offline) publish({ offline: true });
        return;
      }
    }
  };

  const run = (): Promise<void> => {
    if (work === null) {
      work = drain().finally(() => {
        work = null;
      });
    }
    return work;
  };

  /** Loads everything (now, or after the step under way), and resolves once it did. */
  const refresh = async (): Promise<void> => {
    pending.full = true;
    await run();
    // The step under way had already looked at what was pending: load now.
    if (pending.full) await run();
  };

  /** Applies what the feed brought after a moment, so one write's events go together. */
  const gather = (): void => {
    if (gathering || work !== null) return;
    gathering = true;
    later(GATHER_MS, () => {
      gathering = false;
      if (running) void run();
    });
  };

  const startPolling = (): void => {
    if (pollTimer !== null) return;
    publish({ mode: 'poll' });
    pollTimer = setInterval(() => void refresh(), POLL_MS);
  };

  const stopPolling = (): void => {
    if (pollTimer !== null) clearInterval(pollTimer);
    pollTimer = null;
  };

  const listen = (): void => {
    if (typeof EventSource === 'undefined') {
      startPolling();
      return;
    }
    const source = new EventSource('/api/v1/events');
    events = source;
    let opened = false;
    let lastEventId = '';
    /** Reads an event and notes its id (what the browser resumes from after a reconnect). */
    const read = <T>(schema: z.ZodType<T>, event: Event): T | null => {
      if (event instanceof MessageEvent && event.lastEventId !== '')
        lastEventId = event.lastEventId;
      const frame = readFrame(schema, event);
      // An event that does not read as declared: what it said is unknown, so load everything.
      if (frame === null) pending.full = true;
      return frame;
    };
    source.addEventListener('open', () => {
      stopPolling();
      publish({ mode: 'push' });
      // The first connection may have missed what happened since the first load; a reconnect
      // resumes from the last event id (the server sends what was missed), unless there was none.
      if (!opened || lastEventId === '') void refresh();
      opened = true;
    });
    source.addEventListener('signal', (event) => {
      const frame = read(signalFrame, event);
      if (frame !== null) pending.signals.push(frame);
      gather();
    });
    source.addEventListener('state', (event) => {
      const frame = read(stateFrame, event);
      if (frame !== null) {
        // The resource bottleneck moved (or everything may have): capacity pages read it again.
        if (frame.capacity === true || frame.all === true)
          publish({ capacityVersion: snapshot.capacityVersion + 1 });
        if (frame.all === true) pending.full = true;
        for (const kind of STATE_KINDS) for (const id of frame[kind]) pending.ids[kind].add(id);
        pending.asOf = frame.asOf;
      }
      gather();
    });
    source.addEventListener('decision', (event) => {
      // A decision took a step: decision pages read it again (its effects on the plan and the
      // figures come as their own `state` and `signal` events).
      if (read(decisionFrame, event) !== null)
        publish({ decisionVersion: snapshot.decisionVersion + 1 });
      gather();
    });
    source.addEventListener('error', () => {
      // Closed for good (no such route, or not an event stream): ask every second instead.
      // Still connecting (the network blinked): ask meanwhile, until it opens again.
      startPolling();
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        events = null;
      }
    });
  };

  const store: LiveStore = {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    start() {
      if (running) return;
      running = true;
      void refresh();
      listen();
    },
    stop() {
      running = false;
      stopPolling();
      events?.close();
      events = null;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      gathering = false;
    },
    refresh,
    dismiss(noticeId) {
      publish({ notices: snapshot.notices.filter((n) => n.id !== noticeId) });
    },
  };
  return store;
}
