import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { parseDuration } from '../core/duration.ts';
import { fail } from '../core/errors.ts';
import {
  claimSyncLease,
  listJiraSites,
  releaseSyncLease,
  type JiraSiteRecord,
} from '../store/jira-site-store.ts';
import type { AppContext } from './context.ts';
import { syncJiraSite, type SyncJiraSiteResult } from './sync-jira-site.ts';

/**
 * The server's own Jira sync: every instance looks every few seconds for sites whose last
 * successful sync is older than the interval, and syncs one only while it holds that site's row
 * lease, so exactly one instance syncs a site at a time. The lease is renewed after each page;
 * an instance killed mid-sync stops renewing it, and once it has run out another instance takes
 * the site over and resumes from the cursor the last stored page left (each page and its cursor
 * are one transaction: nothing is lost or stored twice). Demo sites have no Jira behind them and
 * are left alone.
 */

export interface SyncSchedule {
  /** How often each site is synced (ms since its last successful sync). */
  everyMs: number;
  /** How long a lease lasts without renewal (ms): how soon a dead instance's site is taken over. */
  leaseMs: number;
  /** This instance's name in the lease column. */
  instanceId: string;
}

export const DEFAULT_SYNC_EVERY = '5m';
export const DEFAULT_SYNC_LEASE = '2m';

/**
 * The schedule from `THROUGHLINE_JIRA_SYNC_EVERY` (`off`, or a duration such as `5m`) and
 * `THROUGHLINE_JIRA_SYNC_LEASE`; null when switched off.
 */
export function readSyncSchedule(env: NodeJS.ProcessEnv): SyncSchedule | null {
  const every = env.THROUGHLINE_JIRA_SYNC_EVERY ?? DEFAULT_SYNC_EVERY;
  if (every === 'off') return null;
  const everyMs = durationMs(every, 'THROUGHLINE_JIRA_SYNC_EVERY');
  const leaseMs = durationMs(
    env.THROUGHLINE_JIRA_SYNC_LEASE ?? DEFAULT_SYNC_LEASE,
    'THROUGHLINE_JIRA_SYNC_LEASE',
  );
  return {
    everyMs,
    leaseMs,
    instanceId: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
  };
}

function durationMs(text: string, name: string): number {
  const parsed = parseDuration(text);
  if (parsed === null || parsed <= 0)
    fail('config.invalid', `${name}: '${text}' is not a duration such as 30s, 5m or 1h (or off)`, {
      path: name,
    });
  return parsed;
}

/** A site is due when it never synced, or its last success is older than the interval. */
export function isDue(site: JiraSiteRecord, now: Date, everyMs: number): boolean {
  if (site.demo) return false;
  if (site.lastSuccessAt === null) return true;
  return now.getTime() - Date.parse(site.lastSuccessAt) >= everyMs;
}

export interface ScheduledSync {
  site: string;
  outcome: 'synced' | 'failed';
  result?: SyncJiraSiteResult;
  error?: unknown;
}

/**
 * One look: syncs each due site whose lease this instance can take, one after the other, and
 * gives the lease back after. Sites another instance holds are skipped until their lease ends.
 */
export async function syncDueSites(
  ctx: AppContext,
  schedule: SyncSchedule,
  shouldStop: () => boolean = () => false,
): Promise<ScheduledSync[]> {
  const done: ScheduledSync[] = [];
  for (const site of await listJiraSites(ctx.db)) {
    if (shouldStop()) break;
    const now = new Date();
    if (!isDue(site, now, schedule.everyMs)) continue;
    const until = (): Date => new Date(Date.now() + schedule.leaseMs);
    if (!(await claimSyncLease(ctx.db, site.id, schedule.instanceId, now, until()))) continue;
    try {
      const result = await syncJiraSite(ctx, site.id, {
        origin: { via: 'server' },
        // Each stored page renews the lease: a long sync keeps its site; a dead one lets go.
        onProgress: () => {
          void claimSyncLease(ctx.db, site.id, schedule.instanceId, new Date(), until()).catch(
            () => undefined,
          );
        },
      });
      done.push({ site: site.id, outcome: 'synced', result });
    } catch (error) {
      done.push({ site: site.id, outcome: 'failed', error });
    } finally {
      await releaseSyncLease(ctx.db, site.id, schedule.instanceId).catch(() => undefined);
    }
  }
  return done;
}
