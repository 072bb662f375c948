import type { ServerResponse } from 'node:http';
import { liveEventFor, needsIncidents } from '../../app/live-events.ts';
import { currentIncidents } from '../../app/viewer.ts';
import type { IncidentReach } from '../../core/access/policy.ts';
import type { AppContext } from '../../app/context.ts';
import {
  eventLogHead,
  listenForOtherInstances,
  readEventsAfter,
  type StoredLiveEvent,
} from '../../app/event-log.ts';
import type { Signal } from '../../core/domain/state.ts';

interface Client {
  personId: string;
  stream: ServerResponse;
  /** The last event this client was sent. */
  cursor: number;
  /** True while it catches up from Last-Event-ID; live pushes wait for it. */
  catchingUp: boolean;
}

/**
 * Pushes live events to connected browsers (Server-Sent Events). Events come from the event log,
 * which every write appends to in its own transaction, so nothing is lost: a client that
 * reconnects with Last-Event-ID is sent what it missed, and other app instances are woken by
 * PostgreSQL NOTIFY and read the same log.
 */
export interface EventHub {
  /** Adds a client; it is first sent every event after `lastEventId` that it may see. */
  connect(personId: string, stream: ServerResponse, lastEventId: number | null): Promise<void>;
  /** Reads new events from the log and sends them; call after a local write commits. */
  pump(): Promise<void>;
  /** How many clients are connected. */
  size(): number;
  close(): Promise<void>;
}

const HEARTBEAT_MS = 15_000;

function frame(event: StoredLiveEvent): string {
  return `id: ${event.seq}\nevent: ${event.kind}\ndata: ${JSON.stringify({ ...(event.data as object), seq: event.seq, at: event.at, sourceChangedAt: event.sourceChangedAt, receivedAt: event.receivedAt })}\n\n`;
}

/** Called with the signals raised or changed by newly committed events (e.g. to notify owners). */
export type SignalListener = (signals: Signal[]) => void;

/** Starts the hub: in server mode it also listens for other instances' events. */
export async function startEventHub(
  ctx: AppContext,
  databaseUrl?: string,
  onSignals?: SignalListener,
): Promise<EventHub> {
  const clients = new Set<Client>();
  let head = await eventLogHead(ctx);
  let pumping: Promise<void> | null = null;
  let again = false;

  // The access policy decides, per person, what of each event they receive, with the current
  // incidents (what an incident affecting a person names is theirs to see). Those are read once
  // per batch, and only when someone connected sees less than the whole organisation.
  const incidentsFor = async (people: Iterable<string>): Promise<readonly IncidentReach[]> => {
    const snapshot = ctx.model?.current() ?? null;
    if (snapshot === null || !needsIncidents(snapshot.plan, people)) return [];
    return currentIncidents(ctx, snapshot);
  };
  const visible = (
    client: Client,
    event: StoredLiveEvent,
    incidents: readonly IncidentReach[],
  ): StoredLiveEvent | null =>
    liveEventFor(
      ctx.model?.current()?.plan ?? null,
      client.personId,
      event,
      incidents,
      ctx.model?.parentOf,
    );

  // Each event is serialised once, however many clients it goes to.
  const frames = new WeakMap<StoredLiveEvent, string>();
  const frameOf = (event: StoredLiveEvent): string => {
    let text = frames.get(event);
    if (text === undefined) {
      text = frame(event);
      frames.set(event, text);
    }
    return text;
  };

  // What a client may see of a batch goes out in one write.
  const send = (
    client: Client,
    events: readonly StoredLiveEvent[],
    incidents: readonly IncidentReach[],
  ): void => {
    let out = '';
    for (const event of events) {
      if (event.seq <= client.cursor) continue;
      const shown = visible(client, event, incidents);
      if (shown !== null) out += frameOf(shown);
      client.cursor = event.seq;
    }
    if (out !== '') client.stream.write(out);
  };

  const pumpOnce = async (): Promise<void> => {
    for (;;) {
      const events = await readEventsAfter(ctx, head, 1000);
      if (events.length === 0) return;
      // Another instance's write: bring this instance's model up to date too.
      if (ctx.model !== undefined) await ctx.model.refresh(ctx.db, ctx.clock.asOf());
      const live = [...clients].filter((client) => !client.catchingUp);
      const incidents = await incidentsFor(live.map((client) => client.personId));
      for (const client of live) send(client, events, incidents);
      head = events.at(-1)?.seq ?? head;
      if (onSignals !== undefined) {
        const moved = events.flatMap((e) => {
          const data = e.data as { action?: string; signal?: Signal };
          return e.kind === 'signal' && data.action !== 'resolved' && data.signal !== undefined
            ? [data.signal]
            : [];
        });
        if (moved.length > 0) onSignals(moved);
      }
    }
  };

  const pump = async (): Promise<void> => {
    if (pumping !== null) {
      again = true;
      return pumping;
    }
    pumping = (async () => {
      do {
        again = false;
        await pumpOnce();
      } while (again);
    })().finally(() => {
      pumping = null;
    });
    return pumping;
  };

  const stopListening = await listenForOtherInstances(ctx, databaseUrl, () => void pump());

  const heartbeat = setInterval(() => {
    for (const client of clients) client.stream.write(': keep-alive\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    async connect(personId, stream, lastEventId) {
      const client: Client = {
        personId,
        stream,
        cursor: lastEventId ?? head,
        catchingUp: lastEventId !== null,
      };
      clients.add(client);
      stream.on('close', () => clients.delete(client));
      stream.write(`retry: 1000\n: connected\n\n`);
      // Catch up from the log until this client reaches the live head, then go live.
      while (client.catchingUp) {
        const events = await readEventsAfter(ctx, client.cursor, 1000);
        send(
          client,
          events.filter((e) => e.seq <= head),
          await incidentsFor([personId]),
        );
        if (events.length === 0 || client.cursor >= head) client.catchingUp = false;
      }
    },
    pump,
    size: () => clients.size,
    async close() {
      clearInterval(heartbeat);
      for (const client of clients) client.stream.end();
      clients.clear();
      if (stopListening !== null) await stopListening();
    },
  };
}
