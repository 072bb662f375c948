import { z } from 'zod';
import type { ChainStep, EntityKind, Signal, SignalKind } from '../core/domain/state.ts';

/**
 * The live stream's events (`GET /api/v1/events`), declared once: what the write path appends to
 * the event log, what the server sends as Server-Sent Events, and what the web app reads back.
 * Every frame's `data` is the event's payload plus its stamp (`seq`, `at`, latency times).
 */

const text = z.string();

/** When the event became visible, and the reality latency of the change it carries. */
export const liveStamp = z.object({
  /** The event log's sequence number (also the SSE `id`). */
  seq: z.number().int(),
  /** When the event became visible (the write's commit time), ISO 8601. */
  at: text,
  sourceChangedAt: z.string().nullable().optional(),
  receivedAt: z.string().nullable().optional(),
});
export type LiveStamp = z.infer<typeof liveStamp>;

const entityKind = z.custom<EntityKind>((value) => typeof value === 'string');
const signalKind = z.custom<SignalKind>((value) => typeof value === 'string');

const chainStep: z.ZodType<ChainStep> = z.object({
  kind: entityKind,
  id: text,
  text,
  figures: z.record(z.string(), z.union([z.number(), z.string()])),
});

/** A signal as the engine raised it: its cause chain and the owners it affects. */
export const liveSignal: z.ZodType<Signal> = z.looseObject({
  id: text,
  kind: signalKind,
  subject: z.object({ kind: entityKind, id: text }),
  title: text,
  chain: z.array(chainStep),
  affectedOwners: z.array(text),
});

/** What happened to a signal. */
export const signalAction = z.enum(['raised', 'changed', 'resolved']);
export type SignalAction = z.infer<typeof signalAction>;

/** Event `signal`: a signal raised, changed (its figures or chain) or resolved. */
export const signalEventData = z.object({ action: signalAction, signal: liveSignal });
export type SignalEventData = z.infer<typeof signalEventData>;

/**
 * Event `state`: the ids whose derived figures moved, per kind, as the engine listed them
 * (every entity whose figures moved is named, roll-ups included); `capacity` when the resource
 * bottleneck moved; `all` (lists empty) when everything may have moved.
 */
export const stateChanges = z.object({
  asOf: text,
  all: z.literal(true).optional(),
  milestones: z.array(text),
  kpis: z.array(text),
  initiatives: z.array(text),
  objectives: z.array(text),
  workItems: z.array(text),
  capacity: z.literal(true).optional(),
});
export type StateChanges = z.infer<typeof stateChanges>;

/** Event `decision`: a decision took a step (opened, option added, decided, reminded …). */
export const decisionEventData = z.object({
  decision: text,
  action: z.enum(['opened', 'option_added', 'decided', 'reminded', 'escalated', 'overdue']),
  step: z.number().int(),
  title: text,
  heading: z.string().nullable(),
  told: z.array(text),
});
export type DecisionEventData = z.infer<typeof decisionEventData>;

/** The frames a browser reads: each event's payload with its stamp. */
export const signalFrame = signalEventData.extend(liveStamp.shape);
export const stateFrame = stateChanges.extend(liveStamp.shape);
export const decisionFrame = decisionEventData.extend(liveStamp.shape);
export type SignalFrame = z.infer<typeof signalFrame>;
export type StateFrame = z.infer<typeof stateFrame>;
export type DecisionFrame = z.infer<typeof decisionFrame>;

/** Every event the stream sends, by its SSE event name. */
export type LiveEventPayload =
  | { kind: 'signal'; data: SignalEventData }
  | { kind: 'state'; data: StateChanges }
  | { kind: 'decision'; data: DecisionEventData };

/** The kinds of entity a `state` event names, in the order of the strategic view. */
export const STATE_KINDS = [
  'objectives',
  'kpis',
  'initiatives',
  'milestones',
  'workItems',
] as const;
export type StateKind = (typeof STATE_KINDS)[number];

/**
 * `POST /api/v1/state/entities`: the entities a `state` event named, by kind. At most
 * `MAX_STATE_ENTITY_IDS` ids in all, each of 1 to `MAX_STATE_ENTITY_ID_LENGTH` characters.
 */
export type StateEntitiesRequest = Partial<Record<StateKind, string[]>>;
export const MAX_STATE_ENTITY_IDS = 1000;
export const MAX_STATE_ENTITY_ID_LENGTH = 200;

/** The ids a strategic view shows, by kind (what `sightOf` fingerprints). */
export interface ShownIds {
  objectives: Iterable<string>;
  kpis: Iterable<string>;
  initiatives: Iterable<string>;
  milestones: Iterable<string>;
}

/** FNV-1a, 32 bits. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A fingerprint of which objectives, KPIs, initiatives and milestones a view shows, whatever
 * their order. `POST /api/v1/state/entities` answers it for the caller's view now; a browser that
 * merged the answer into its view compares it with its own: when they differ, what the person may
 * see changed (an incident that reaches them, a plan change) and it loads the whole view.
 */
export function sightOf(ids: ShownIds): string {
  let count = 0;
  let sum = 0;
  let mix = 0;
  for (const kind of ['objectives', 'kpis', 'initiatives', 'milestones'] as const) {
    for (const id of ids[kind]) {
      const hash = fnv1a(`${kind}\u0000${id}`);
      count += 1;
      sum = (sum + hash) >>> 0;
      mix = (mix ^ Math.imul(hash, 0x9e3779b1)) >>> 0;
    }
  }
  return `${count}.${sum.toString(36)}.${mix.toString(36)}`;
}
