import type { Queryable } from './database.ts';

/**
 * Jira sites: where they are, how to reach them (credentials sealed by the caller, see
 * `secret-box.ts`), what to sync, how far the last sync got (the cursor) and how it went.
 */

export type JiraSiteKind = 'cloud' | 'dc';
export type JiraAuthKind = 'basic' | 'bearer' | 'none';

/** What to sync from a site and how to read it. */
export interface JiraSiteConfig {
  /** Project keys; the default selection is `project in (…)` of these. */
  projects: string[];
  /** A JQL selection (without ORDER BY) that overrides the projects. */
  jql: string | null;
  /** Field ids; null: found through the site's field list. */
  startDateField: string | null;
  storyPointsFields: string[] | null;
  sprintField: string | null;
  /** How far before the cursor an incremental sync asks again (Jira's search index lags). */
  overlapMinutes: number;
  /** Issues per page. */
  pageSize: number;
}

export interface JiraSiteError {
  code: string;
  message: string;
}

export interface JiraSiteRecord {
  id: string;
  kind: JiraSiteKind;
  baseUrl: string;
  authKind: JiraAuthKind;
  credentialsSealed: string | null;
  webhookSecretSealed: string | null;
  demo: boolean;
  config: JiraSiteConfig;
  /** The latest `updated` instant stored from the site (ISO 8601), or null before the first page. */
  syncCursor: string | null;
  lastSyncStartedAt: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastError: JiraSiteError | null;
  leaseOwner: string | null;
  leaseUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What `saveJiraSite` writes: the configuration, never the sync state. */
export type JiraSiteInput = Pick<
  JiraSiteRecord,
  | 'id'
  | 'kind'
  | 'baseUrl'
  | 'authKind'
  | 'credentialsSealed'
  | 'webhookSecretSealed'
  | 'demo'
  | 'config'
>;

interface SiteRow {
  id: string;
  kind: JiraSiteKind;
  base_url: string;
  auth_kind: JiraAuthKind;
  credentials_sealed: string | null;
  webhook_secret_sealed: string | null;
  demo: boolean;
  config: JiraSiteConfig;
  sync_cursor: Date | null;
  last_sync_started_at: Date | null;
  last_success_at: Date | null;
  last_failure_at: Date | null;
  last_error: JiraSiteError | null;
  lease_owner: string | null;
  lease_until: Date | null;
  created_at: Date;
  updated_at: Date;
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

function toRecord(row: SiteRow): JiraSiteRecord {
  return {
    id: row.id,
    kind: row.kind,
    baseUrl: row.base_url,
    authKind: row.auth_kind,
    credentialsSealed: row.credentials_sealed,
    webhookSecretSealed: row.webhook_secret_sealed,
    demo: row.demo,
    config: row.config,
    syncCursor: iso(row.sync_cursor),
    lastSyncStartedAt: iso(row.last_sync_started_at),
    lastSuccessAt: iso(row.last_success_at),
    lastFailureAt: iso(row.last_failure_at),
    lastError: row.last_error,
    leaseOwner: row.lease_owner,
    leaseUntil: iso(row.lease_until),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Creates a site or replaces its configuration; its cursor and sync history stay. */
export async function saveJiraSite(
  db: Queryable,
  site: JiraSiteInput,
  now: Date,
): Promise<'created' | 'updated'> {
  const rows = await db.query<{ created: boolean }>(
    `INSERT INTO jira_site (id, kind, base_url, auth_kind, credentials_sealed, webhook_secret_sealed,
                            demo, config, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $9)
     ON CONFLICT (id) DO UPDATE SET
       kind = EXCLUDED.kind, base_url = EXCLUDED.base_url, auth_kind = EXCLUDED.auth_kind,
       credentials_sealed = EXCLUDED.credentials_sealed,
       webhook_secret_sealed = EXCLUDED.webhook_secret_sealed, demo = EXCLUDED.demo,
       config = EXCLUDED.config, updated_at = EXCLUDED.updated_at
     RETURNING (xmax = 0) AS created`,
    [
      site.id,
      site.kind,
      site.baseUrl,
      site.authKind,
      site.credentialsSealed,
      site.webhookSecretSealed,
      site.demo,
      JSON.stringify(site.config),
      now,
    ],
  );
  return rows[0]?.created === true ? 'created' : 'updated';
}

/** One site, or null when there is none with the id. */
export async function loadJiraSite(db: Queryable, id: string): Promise<JiraSiteRecord | null> {
  const rows = await db.query<SiteRow>('SELECT * FROM jira_site WHERE id = $1', [id]);
  const row = rows[0];
  return row === undefined ? null : toRecord(row);
}

/** Every site, by id. */
export async function listJiraSites(db: Queryable): Promise<JiraSiteRecord[]> {
  const rows = await db.query<SiteRow>('SELECT * FROM jira_site ORDER BY id');
  return rows.map(toRecord);
}

/** Notes that a sync started. */
export async function recordSyncStart(db: Queryable, id: string, at: Date): Promise<void> {
  await db.query('UPDATE jira_site SET last_sync_started_at = $2 WHERE id = $1', [id, at]);
}

/**
 * Moves the cursor to `updatedAt` unless it is already further: call it in the transaction
 * that stores the page, so the page and the cursor land together or not at all.
 */
export async function advanceSyncCursor(
  tx: Queryable,
  id: string,
  updatedAt: string,
): Promise<void> {
  await tx.query(
    `UPDATE jira_site SET sync_cursor = GREATEST(COALESCE(sync_cursor, $2::timestamptz), $2::timestamptz)
     WHERE id = $1`,
    [id, updatedAt],
  );
}

/** Notes a sync that completed: the site is reachable and up to date as of `at`. */
export async function recordSyncSuccess(db: Queryable, id: string, at: Date): Promise<void> {
  await db.query('UPDATE jira_site SET last_success_at = $2, last_error = NULL WHERE id = $1', [
    id,
    at,
  ]);
}

/** Notes a sync that failed, and why. */
export async function recordSyncFailure(
  db: Queryable,
  id: string,
  at: Date,
  error: JiraSiteError,
): Promise<void> {
  await db.query(
    'UPDATE jira_site SET last_failure_at = $2, last_error = $3::jsonb WHERE id = $1',
    [id, at, JSON.stringify(error)],
  );
}

/**
 * Takes the site's sync lease for `owner` until `until` when nobody else holds a live one
 * (for sharing sync work between app instances). True when taken (or renewed).
 */
export async function claimSyncLease(
  db: Queryable,
  id: string,
  owner: string,
  now: Date,
  until: Date,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE jira_site SET lease_owner = $2, lease_until = $4
     WHERE id = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until IS NULL OR lease_until <= $3)
     RETURNING id`,
    [id, owner, now, until],
  );
  return rows.length === 1;
}

/** Gives the lease back, if `owner` holds it. */
export async function releaseSyncLease(db: Queryable, id: string, owner: string): Promise<void> {
  await db.query(
    'UPDATE jira_site SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2',
    [id, owner],
  );
}

/** A source whose data may be old: its sync has not succeeded for longer than the threshold. */
export interface StaleSource {
  /** The site id, which is the work items' `source`. */
  source: string;
  kind: JiraSiteKind;
  /** The last sync that completed, or null when none ever did. */
  lastSuccessAt: string | null;
  /** The last sync that failed, or null. */
  lastFailureAt: string | null;
  /** Why the last sync failed, when the last attempt failed. */
  lastError: JiraSiteError | null;
  /** The newest `updated` instant we hold from the site. */
  syncCursor: string | null;
  /** Whole minutes since the last success (or since the first failure when none), at `now`. */
  staleMinutes: number;
}

/**
 * The sites whose data is older than `thresholdMinutes` at `now`: synced before but not
 * successfully since the threshold, or never successfully although tried. A site never tried
 * (only configured, or fed by webhooks alone) is not listed: nothing says its data is old.
 */
export async function listStaleSources(
  db: Queryable,
  now: Date,
  thresholdMinutes: number,
): Promise<StaleSource[]> {
  const since = new Date(now.getTime() - thresholdMinutes * 60_000);
  const rows = await db.query<SiteRow>(
    `SELECT * FROM jira_site
     WHERE (last_success_at IS NOT NULL AND last_success_at < $1)
        OR (last_success_at IS NULL AND last_failure_at IS NOT NULL AND created_at < $1)
     ORDER BY id`,
    [since],
  );
  return rows.map((row) => {
    const from = row.last_success_at ?? row.created_at;
    const failing =
      row.last_failure_at !== null &&
      (row.last_success_at === null || row.last_failure_at > row.last_success_at);
    return {
      source: row.id,
      kind: row.kind,
      lastSuccessAt: iso(row.last_success_at),
      lastFailureAt: iso(row.last_failure_at),
      lastError: failing ? row.last_error : null,
      syncCursor: iso(row.sync_cursor),
      staleMinutes: Math.floor((now.getTime() - from.getTime()) / 60_000),
    };
  });
}
