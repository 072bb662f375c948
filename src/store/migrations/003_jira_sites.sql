-- Jira sites this installation syncs from. Credentials and the webhook secret are sealed with
-- AES-256-GCM by the application (src/store/secret-box.ts) before they reach this table.
CREATE TABLE jira_site (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('cloud', 'dc')),
  base_url text NOT NULL,
  -- basic: e-mail + API token (Cloud); bearer: personal access token (Data Center); none: the
  -- site only sends webhooks (or is the demo's).
  auth_kind text NOT NULL CHECK (auth_kind IN ('basic', 'bearer', 'none')),
  credentials_sealed text,
  webhook_secret_sealed text,
  -- The demo organisation's site: its secrets are the documented demo values, not stored ones.
  demo boolean NOT NULL DEFAULT false,
  -- What to sync and how to read it: JQL or project keys, field ids, overlap window, page size.
  config jsonb NOT NULL,
  -- The latest `updated` instant stored from this site: incremental syncs start there (less the
  -- overlap). Advanced in the same transaction as the page it comes from.
  sync_cursor timestamptz,
  last_sync_started_at timestamptz,
  last_success_at timestamptz,
  last_failure_at timestamptz,
  last_error jsonb,
  -- Which app instance syncs the site now, until when (for sharing sync work between instances).
  lease_owner text,
  lease_until timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
