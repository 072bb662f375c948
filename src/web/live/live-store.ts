import { api } from '../api/client.ts';
import type {
  InboxSignal,
  ObjectiveView,
  SignalList,
  SourceFreshness,
  SourceList,
  StateView,
  Status,
} from '../api/types.ts';
import { setProductDay } from '../format/clock.ts';
import { formatDate, formatValue, STATUS_LABEL } from '../format/format.ts';

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

/** The order notices list changes in: what leaders read first. */
const RANK = { objective: 0, kpi: 1, milestone: 3, initiative: 4 } as const;

interface Facts {
  statuses: Map<string, { label: string; status: Status; rank: number }>;
  forecasts: Map<string, { label: string; date: string }>;
  /** Each KPI period's forecast (or actual), formatted: `K-SAVINGS 2026-Q4` → `$788,571`. */
  figures: Map<string, { id: string; label: string; value: string }>;
}

/** `ERP go-live, plant 1 (M-GOLIVE)`: the name first, the code after it. */
function named(name: string, id: string): string {
  return name === '' || name === id ? id : `${name} (${id})`;
}

/** The status of everything in the view, to tell what a change touched. */
function factsOf(state: StateView): Facts {
  const statuses = new Map<string, { label: string; status: Status; rank: number }>();
  const forecasts = new Map<string, { label: string; date: string }>();
  const figures = new Map<string, { id: string; label: string; value: string }>();
  const visit = (o: ObjectiveView): void => {
    if (o.status !== null) {
      statuses.set(o.id, {
        label: named(o.name, o.id),
        status: o.status.status,
        rank: RANK.objective,
      });
    }
    for (const k of o.kpis) {
      for (const p of k.periods) {
        figures.set(`${k.id} ${p.period}`, {
          id: k.id,
          label: `${named(k.name, k.id)} ${p.period} ${p.actual !== null ? 'actual' : 'forecast'}`,
          value: formatValue(p.actual ?? p.forecast, k.unitOfMeasure),
        });
      }
      if (k.status !== null) {
        statuses.set(k.id, { label: named(k.name, k.id), status: k.status.status, rank: RANK.kpi });
      }
    }
    for (const i of o.initiatives) {
      if (i.delivery !== null) {
        statuses.set(i.id, {
          label: `${named(i.name, i.id)} delivery`,
          status: i.delivery.status,
          rank: RANK.initiative,
        });
      }
      if (i.value !== null) {
        statuses.set(`${i.id}#value`, {
          label: `${named(i.name, i.id)} value`,
          status: i.value.status,
          rank: RANK.initiative,
        });
      }
      for (const m of i.milestones) {
        const label = named(m.name, m.id);
        statuses.set(m.id, { label, status: m.status.status, rank: RANK.milestone });
        forecasts.set(m.id, { label, date: m.forecastDate });
      }
    }
    o.children.forEach(visit);
  };
  state.objectives.forEach(visit);
  return { statuses, forecasts, figures };
}

const SEVERITY: Record<Status, number> = { on_track: 0, at_risk: 1, off_track: 2 };

/** What changed between two views and two signal lists, as ids and readable lines. */
function describeChange(
  before: { state: StateView; signals: InboxSignal[] },
  after: { state: StateView; signals: InboxSignal[] },
): { ids: string[]; lines: string[]; tone: Status | 'info' } {
  const was = factsOf(before.state);
  const now = factsOf(after.state);
  const ids: string[] = [];
  const ranked: { rank: number; line: string }[] = [];
  let worst: Status | 'info' = 'info';
  for (const [id, fact] of now.statuses) {
    const old = was.statuses.get(id);
    if (old !== undefined && old.status !== fact.status) {
      ids.push(id.replace('#value', ''));
      ranked.push({
        rank: fact.rank,
        line: `${fact.label}: ${STATUS_LABEL[old.status]} → ${STATUS_LABEL[fact.status]}`,
      });
      if (worst === 'info' || SEVERITY[fact.status] > SEVERITY[worst]) worst = fact.status;
    }
  }
  for (const [id, forecast] of now.forecasts) {
    const old = was.forecasts.get(id);
    if (old !== undefined && old.date !== forecast.date) {
      if (!ids.includes(id)) ids.push(id);
      ranked.push({
        rank: RANK.milestone,
        line: `${forecast.label} forecast ${formatDate(old.date)} → ${formatDate(forecast.date)}`,
      });
    }
  }
  for (const [key, figure] of now.figures) {
    const old = was.figures.get(key);
    if (old !== undefined && old.value !== figure.value) {
      if (!ids.includes(figure.id)) ids.push(figure.id);
      ranked.push({ rank: RANK.kpi, line: `${figure.label} ${old.value} → ${figure.value}` });
    }
  }
  const beforeIds = new Set(before.signals.map((s) => s.id));
  const afterIds = new Set(after.signals.map((s) => s.id));
  for (const s of after.signals) {
    if (!beforeIds.has(s.id)) ranked.push({ rank: 2, line: `New signal: ${s.title}` });
  }
  for (const s of before.signals) {
    if (!afterIds.has(s.id)) ranked.push({ rank: 2, line: `Resolved: ${s.title}` });
  }
  // Stable sort: within a rank, the order of the view.
  const lines = ranked.sort((a, b) => a.rank - b.rank).map((r) => r.line);
  return { ids: [...new Set(ids)], lines, tone: worst };
}

/** True when a `state` event says the resource bottleneck moved (or everything was derived anew). */
function movesCapacity(event: Event): boolean {
  if (!(event instanceof MessageEvent) || typeof event.data !== 'string') return false;
  try {
    const data = JSON.parse(event.data) as { capacity?: unknown; all?: unknown };
    return data.capacity === true || data.all === true;
  } catch {
    return false;
  }
}

/** The live data of the signed-in app: the strategic view, the signals, the sources. */
export function createLiveStore(): LiveStore {
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
  let stateText = '';
  let signalsText = '';
  let inFlight: Promise<void> | null = null;
  let again = false;
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

  const load = async (): Promise<void> => {
    try {
      const [state, signals] = await Promise.all([
        api<StateView>('/api/v1/state'),
        api<SignalList>('/api/v1/signals'),
      ]);
      const nextStateText = JSON.stringify(state);
      const nextSignalsText = JSON.stringify(signals.signals);
      if (nextStateText === stateText && nextSignalsText === signalsText) {
        if (snapshot.offline) publish({ offline: false });
        return;
      }
      const first = snapshot.state === null || snapshot.signals === null;
      const change =
        first || snapshot.state === null || snapshot.signals === null
          ? null
          : describeChange(
              { state: snapshot.state, signals: snapshot.signals },
              { state, signals: signals.signals },
            );
      stateText = nextStateText;
      signalsText = nextSignalsText;
      // Every time the app shows is on the server's clock (pinned in the demo).
      setProductDay(state.asOf);
      // Sources change with the work: ask for them too, but do not hold the figures back for them.
      void api<SourceList>('/api/v1/sources').then(
        (s) => publish({ sources: s.sources }),
        () => undefined,
      );
      const next: Partial<LiveSnapshot> = {
        state,
        signals: signals.signals,
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
    } catch {
      if (!snapshot.offline) publish({ offline: true });
    }
  };

  const refresh = (): Promise<void> => {
    if (inFlight !== null) {
      // A change may have landed after the request in flight was answered: ask once more.
      again = true;
      return inFlight;
    }
    inFlight = load().finally(() => {
      inFlight = null;
      if (again && running) {
        again = false;
        void refresh();
      }
    });
    return inFlight;
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
    source.addEventListener('open', () => {
      stopPolling();
      publish({ mode: 'push' });
      void refresh();
    });
    for (const name of ['signal', 'message']) {
      source.addEventListener(name, () => void refresh());
    }
    source.addEventListener('state', (event) => {
      if (movesCapacity(event)) publish({ capacityVersion: snapshot.capacityVersion + 1 });
      void refresh();
    });
    source.addEventListener('decision', () => {
      publish({ decisionVersion: snapshot.decisionVersion + 1 });
      void refresh();
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
    },
    refresh,
    dismiss(noticeId) {
      publish({ notices: snapshot.notices.filter((n) => n.id !== noticeId) });
    },
  };
  return store;
}
