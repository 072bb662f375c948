import type { NotificationChannel } from '../../store/notification-store.ts';

/**
 * What happened to one signal for one person: `sent`; `queued` for the digest; `failed` (kept
 * for a retry unless given up); `skipped` (nothing to send: preference `none`, no address, the
 * signal resolved); `duplicate` (this raising of the signal was already handled for this person).
 */
export type NotificationOutcomeKind = 'sent' | 'queued' | 'failed' | 'skipped' | 'duplicate';

export interface NotificationOutcome {
  signalId: string;
  personId: string;
  signalVersion: number;
  channel: NotificationChannel | 'none';
  outcome: NotificationOutcomeKind;
  /** Why it was skipped or failed. */
  reason?: string;
  /** True when this was a retry of an earlier failed attempt. */
  retry?: boolean;
}

/** What `notifySignals` and `retryNotifications` did, counted and item by item. */
export interface NotificationReport {
  sent: number;
  queued: number;
  failed: number;
  skipped: number;
  duplicates: number;
  outcomes: NotificationOutcome[];
}

/** Counts outcomes into a report. */
export function summarise(outcomes: readonly NotificationOutcome[]): NotificationReport {
  const count = (kind: NotificationOutcomeKind): number =>
    outcomes.filter((o) => o.outcome === kind).length;
  return {
    sent: count('sent'),
    queued: count('queued'),
    failed: count('failed'),
    skipped: count('skipped'),
    duplicates: count('duplicate'),
    outcomes: [...outcomes],
  };
}

/** One digest to one person. */
export interface DigestOutcome {
  personId: string;
  channel: NotificationChannel | 'none';
  /** Signals in the digest (or that would have been). */
  items: number;
  outcome: 'sent' | 'failed' | 'skipped';
  reason?: string;
}

/** What `flushDigests` did. */
export interface DigestReport {
  /** Digests sent. */
  sent: number;
  failed: number;
  skipped: number;
  /** Signals carried by the digests sent. */
  items: number;
  digests: DigestOutcome[];
}
